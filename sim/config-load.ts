// Reading and validating the configuration: problems come back as one ConfigError listing
// every issue in Russian; relative paths resolve against the configuration file's folder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SimConfigSchema, type SimConfig, type SimConfigInput } from './config';
import { ConfigError } from './errors';

const PATH_KEYS = ['pluginsDir', 'storageDir', 'logsDir', 'outboxDir', 'runDir'] as const;

/** Validates a configuration object; relative paths resolve against baseDir. */
export function parseConfig(raw: unknown, baseDir: string, source = 'объект'): SimConfig {
  const result = SimConfigSchema.safeParse(raw, { error: z.locales.ru().localeError });
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(корень)'}: ${issue.message}`),
    );
  }
  const config = result.data;
  for (const key of PATH_KEYS) {
    const value = config[key];
    if (typeof value === 'string') config[key] = path.resolve(baseDir, value);
  }
  return config;
}

/** Reads a JSON configuration file; `overrides` (e.g. --port) replace top-level keys. */
export function loadConfigFile(file: string, overrides: Partial<SimConfigInput> = {}): SimConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `не JSON: ${err.message}` : `не читается: ${(err as Error).message}`;
    throw new ConfigError(file, [why]);
  }
  const merged = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw, ...overrides } : raw;
  return parseConfig(merged, path.dirname(path.resolve(file)), file);
}
