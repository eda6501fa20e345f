import { ConfigError } from './config/plugin-config';
import { SettingsFileError } from './registry/settings-store';
import { StorageLockedError, StorageVersionError } from './storage/engine';

/**
 * What a visitor is told when pult cannot start. Everyone can reach /pult/ (1C clients
 * too), so the text names the kind of problem and where to look, never paths or internals;
 * the full error goes to the plugin's log.
 */
export function publicStartupReason(err: unknown): string {
  const tail = 'Подробности — в журнале плагина.';
  if (err instanceof StorageVersionError) return `pult не запущен. ${err.message}`;
  if (err instanceof ConfigError) return `pult не запущен: ошибка в параметрах (pult.config.json). ${tail}`;
  if (err instanceof SettingsFileError) return `pult не запущен: ошибка в файле настроек (settings.json). ${tail}`;
  if (err instanceof StorageLockedError) return `pult не запущен: база данных занята другим процессом. ${tail}`;
  return `pult не запущен: ошибка при запуске. ${tail}`;
}
