import type { Settings } from './settings-schema';

/**
 * `by`: what was refused — the configuration, or only this version of it. `reason` names
 * the configuration and version, for staff pages (escaped there); `answer` is what an
 * anonymous client is told: it echoes nothing the client sent, so a JSON answer never
 * carries a stranger's text back (the client knows what it sent).
 */
export type Acceptance = { accepted: true } | { accepted: false; by: 'config' | 'version'; reason: string; answer: string };

/**
 * The original's rule: a configuration not listed is refused; its versions are plain
 * prefixes of the version string ("2.0.6." takes 2.0.6.45, not 2.0.60.1); an empty list
 * accepts nothing; an empty string accepts every version.
 */
export function checkAcceptance(settings: Settings, configName: string, version: string | undefined): Acceptance {
  const rule = settings.configurations.find((c) => c.name === configName);
  if (!rule) {
    return {
      accepted: false,
      by: 'config',
      reason: `Конфигурация «${configName}» не принимается этим сервисом`,
      answer: 'Конфигурация отчёта не принимается этим сервисом',
    };
  }
  const v = version ?? '';
  if (rule.versions.some((prefix) => v.startsWith(prefix))) return { accepted: true };
  return {
    accepted: false,
    by: 'version',
    reason: `Версия ${v || '(не указана)'} конфигурации «${configName}» не принимается этим сервисом`,
    answer: 'Версия конфигурации отчёта не принимается этим сервисом',
  };
}

/** Recipients of new-error notices for a configuration (none: no mail). */
export function recipientsOf(settings: Settings, configName: string): string[] {
  return settings.configurations.find((c) => c.name === configName)?.recipients ?? [];
}
