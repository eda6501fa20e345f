// The package.json fields the monitor reads: main, required_licenses, process.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PluginRefusedError } from '../errors';

const LicenseRef = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+$/).transform(Number),
  z.tuple([z.number().int().positive(), z.number().int().min(0)]),
]);

const ManifestSchema = z.looseObject({
  main: z.string().min(1).default('index.js').describe('The module the monitor starts'),
  required_licenses: z
    .array(LicenseRef)
    .default([])
    .describe('Licenses needed to start (a number, or [number, version]); the first is the service id'),
  process: z
    .looseObject({
      cmd: z.string().nullish().describe('Command relative to the install folder; the simulator uses its own node'),
      args: z.array(z.string()).nullish().describe('Node options for the plugin process'),
      stdin: z.string().nullish().describe('File for stdin, relative to LogsPath'),
      stdout: z.string().nullish().describe('File for stdout, relative to LogsPath'),
      stderr: z.string().nullish().describe('File for stderr, relative to LogsPath'),
    })
    .optional()
    .describe('How to start the process'),
});

export type Manifest = z.output<typeof ManifestSchema>;

export interface PluginPackage {
  /** The plugin folder (KServerApi.Path). */
  dir: string;
  /** The parsed package.json as it is (KServerApi.Info). */
  info: Record<string, unknown>;
  manifest: Manifest;
  /** Absolute path of the main module. */
  main: string;
  /** required_licenses as {id, ver?}. */
  licenses: { id: number; ver?: number }[];
}

/** Reads a developer-mode plugin folder; refuses with a reason a person understands. */
export async function readPluginPackage(dir: string): Promise<PluginPackage> {
  let info: unknown;
  try {
    info = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PluginRefusedError(code === 'ENOENT' ? 'нет package.json' : `package.json не читается: ${(err as Error).message}`);
  }
  return parsePluginPackage(dir, info);
}

/**
 * Checks package.json (already parsed) of a plugin whose files are in `dir`: the manifest
 * fields and that `main` exists there (`exists` answers for files not on disk yet, e.g.
 * inside a production file being checked).
 */
export function parsePluginPackage(dir: string, info: unknown, exists: (file: string) => boolean = isFile): PluginPackage {
  const parsed = ManifestSchema.safeParse(info, { error: z.locales.ru().localeError });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PluginRefusedError(`ошибки в package.json: ${problems}`);
  }
  const manifest = parsed.data;
  const main = resolveMain(dir, manifest.main, exists);
  if (!main) {
    throw new PluginRefusedError(`нет модуля main «${manifest.main}» (не собран? для pult: npm run build)`);
  }
  const licenses = manifest.required_licenses.map((l) => (Array.isArray(l) ? { id: l[0], ver: l[1] } : { id: l }));
  return { dir, info: info as Record<string, unknown>, manifest, main, licenses };
}

/** Node's own rules for `main`: the file, then with .js/.json/.node, then a folder's index. */
function resolveMain(dir: string, main: string, exists: (file: string) => boolean): string | undefined {
  const base = path.resolve(dir, main);
  const candidates = [base, `${base}.js`, `${base}.cjs`, `${base}.json`, path.join(base, 'index.js')];
  return candidates.find(exists);
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
