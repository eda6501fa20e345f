// Error classes of the simulator. Callers tell them apart with instanceof, never by text.

/** The simulator configuration is invalid; `problems` lists every issue for a person. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Ошибки в конфигурации симулятора (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A KServerApi call failed; the message reaches the plugin as a rejected Error. */
export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A plugin cannot be started (licenses, package.json, format); `reason` is for a person. */
export class PluginRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly missingLicenses: number[] = [],
  ) {
    super(reason);
    this.name = 'PluginRefusedError';
  }
}
