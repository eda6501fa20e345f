// Everything that depends on the production plugin file format lives here, so the packaging
// work (and updates, spec item 9) can plug it in without touching discovery or start.
// The format itself is not defined yet.
import path from 'node:path';
import { PluginRefusedError } from '../errors';

/** The monitor renames a replaced plugin file to `<name>.DD-MM-YYYY`; such files are backups. */
export function isBackupFile(name: string): boolean {
  return /\.\d{2}-\d{2}-\d{4}$/.test(name);
}

/** The route of a production plugin file: its name without the extension. */
export function routeOfFile(name: string): string {
  const ext = path.extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/**
 * Unpacks a production plugin file into a folder the simulator can start from.
 * Refuses until the packaging work defines the format.
 */
export async function openPluginFile(file: string): Promise<string> {
  throw new PluginRefusedError(`файлы плагинов (режим production) пока не поддерживаются: ${path.basename(file)}`);
}
