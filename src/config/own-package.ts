import fs from 'node:fs';
import path from 'node:path';

/**
 * The package.json pult's settings come from. The monitor hands it over as `Info`, but an
 * older monitor or the original simulator passes `{}` (or nothing): then pult reads its own,
 * from the plugin's folder (`Path`) or beside its bundle. An `Info` that has the `pult`
 * section wins, as the monitor's copy is the one it licensed.
 */
export function resolvePackageInfo(
  info: Record<string, unknown> | undefined,
  candidates: (string | undefined)[],
  warn: (message: string) => void,
): Record<string, unknown> | undefined {
  if (hasPultSection(info)) return info;
  for (const file of candidates) {
    if (!file || !fs.existsSync(file)) continue;
    try {
      const own = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (hasPultSection(own)) {
        warn(`монитор не передал раздел pult в Info: номера лицензий и функционалов взяты из ${file}`);
        return own;
      }
    } catch (err) {
      warn(`${file} не читается как JSON: ${(err as Error).message}`);
    }
  }
  return info;
}

/** package.json candidates for a plugin at `pluginPath` (its folder, or its file). */
export function packageCandidates(pluginPath: string | undefined, besideBundle: string | undefined): (string | undefined)[] {
  const underPath = pluginPath ? path.join(isDirectory(pluginPath) ? pluginPath : path.dirname(pluginPath), 'package.json') : undefined;
  return [underPath, besideBundle];
}

function hasPultSection(v: unknown): v is Record<string, unknown> {
  const pult = v && typeof v === 'object' ? (v as Record<string, unknown>).pult : undefined;
  return !!pult && typeof pult === 'object' && !Array.isArray(pult);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
