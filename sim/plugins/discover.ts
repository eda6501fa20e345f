// Which plugins live in the plugins folder. A folder (or a symlink to one) is a plugin in
// developer mode, route = its name; a file is a production plugin, route = name without the
// extension. Names starting with "." or "_", backups (`*.DD-MM-YYYY`) and updates
// (`*.kplugin.update`, applied by updates.ts) are skipped.
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isBackupFile, routeOfFile, routeOfUpdate } from './file-format';

export interface PluginSource {
  route: string;
  kind: 'folder' | 'file';
  /** The folder or file as found in the plugins folder (symlinks not resolved). */
  path: string;
}

export interface Discovery {
  plugins: PluginSource[];
  /** Entries that look like plugins but cannot be used, with a reason for a person. */
  skipped: { name: string; reason: string }[];
}

export async function discoverPlugins(pluginsDir: string): Promise<Discovery> {
  await mkdir(pluginsDir, { recursive: true });
  const found: Discovery = { plugins: [], skipped: [] };
  const names = (await readdir(pluginsDir)).sort();
  for (const name of names) {
    if (name.startsWith('.') || name.startsWith('_')) continue;
    const full = path.join(pluginsDir, name);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      found.skipped.push({ name, reason: 'не открывается (битая ссылка?)' });
      continue;
    }
    if (!info.isDirectory() && !info.isFile()) continue;
    if (info.isFile() && (isBackupFile(name) || routeOfUpdate(name) !== undefined)) continue;
    const source: PluginSource = info.isDirectory()
      ? { route: name, kind: 'folder', path: full }
      : { route: routeOfFile(name), kind: 'file', path: full };
    const twin = found.plugins.find((p) => p.route === source.route);
    if (twin) found.skipped.push({ name, reason: `маршрут /${source.route} уже занят (${path.basename(twin.path)})` });
    else found.plugins.push(source);
  }
  return found;
}
