// Builds pult's production plugin file: `npm run package [-- --out DIR]` → DIR/pult.kplugin
// (default dist/). The format is file-format.ts's; this file only stages pult's folder for it:
//
//   package.json                 the monitor's fields only (no scripts, no dependency lists)
//   dist/pult.js                 one esbuild bundle of src/index.ts WITH its dependencies
//   dist/sql-wasm.js, .wasm      sql.js's release build, read by the storage engine at start-up
//                                (a build it knows: sqljs-builds.ts; packaging refuses another)
//   templates/**                 pages and static/ assets
//
// The layout is the developer-mode folder's, so the code finds templates (../templates) and the
// wasm (beside the bundle) the same way in both modes.
import { build, type Plugin } from 'esbuild';
import { cp, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { knownRelease } from '../src/storage/engine/sqljs-builds';
import { pluginFileName, writePluginFile } from './plugins/file-format';

const REPO = path.resolve(__dirname, '..');
const SQLJS_FILES = ['sql-wasm.js', 'sql-wasm.wasm'];
/** The package.json fields the production file keeps. */
const KEPT_FIELDS = ['name', 'version', 'description', 'license', 'main', 'engines', 'required_licenses', 'process', 'pult'];

export interface PackageOptions {
  /** Folder the file is written to (default: the repository's dist/). */
  outDir?: string;
  /** The version written into package.json (default: the repository's). */
  version?: string;
  /** Extra esbuild plugins; tests use one to build an update with a test-only migration. */
  esbuildPlugins?: Plugin[];
}

export interface PackageResult {
  file: string;
  bytes: number;
  files: number;
  name: string;
  version: string;
}

/** Stages pult's folder in a temporary place and packs it into `<outDir>/pult.kplugin`. */
export async function packagePult(opts: PackageOptions = {}): Promise<PackageResult> {
  const repoPkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  const info: Record<string, unknown> = {};
  for (const key of KEPT_FIELDS) if (repoPkg[key] !== undefined) info[key] = repoPkg[key];
  if (opts.version) info.version = opts.version;
  const name = String(info.name);
  const main = String(info.main);

  const stage = await mkdtemp(path.join(os.tmpdir(), 'pult-package-'));
  try {
    await build({
      absWorkingDir: REPO,
      entryPoints: [path.join(REPO, 'src', 'index.ts')],
      outfile: path.join(stage, main),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // The release files sit beside the bundle; the debug build is only the fallback of a
      // development checkout with an sql.js the engine does not know.
      external: ['sql.js/dist/sql-wasm-debug.js', 'sql.js/dist/sql-wasm-debug.wasm', 'sql.js/dist/sql-wasm.wasm'],
      plugins: opts.esbuildPlugins ?? [],
      legalComments: 'eof',
      logLevel: 'warning',
    });
    const sqlJs = SQLJS_FILES.map((f) => require.resolve(`sql.js/dist/${f}`, { paths: [REPO] }));
    if (!knownRelease(await readFile(sqlJs[0]!), await readFile(sqlJs[1]!))) {
      throw new Error('sql.js в node_modules — не та сборка, которую знает движок хранения (src/storage/engine/sqljs-builds.ts)');
    }
    for (const [i, f] of SQLJS_FILES.entries()) await copyFile(sqlJs[i]!, path.join(stage, path.dirname(main), f));
    await cp(path.join(REPO, 'templates'), path.join(stage, 'templates'), {
      recursive: true,
      filter: (src) => !path.basename(src).startsWith('.'),
    });
    await writeFile(path.join(stage, 'package.json'), JSON.stringify(info, null, 2) + '\n');
    const outDir = path.resolve(opts.outDir ?? path.join(REPO, 'dist'));
    await mkdir(outDir, { recursive: true });
    const file = path.join(outDir, pluginFileName(name));
    const written = await writePluginFile(stage, file, name);
    return { file, ...written, name, version: String(info.version) };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const started = Date.now();
  const r = await packagePult(values.out === undefined ? {} : { outDir: values.out });
  const mb = (r.bytes / 1024 / 1024).toFixed(1).replace('.', ',');
  console.log(`${r.file}: ${r.name} ${r.version}, ${mb} МБ, файлов: ${r.files} (${Date.now() - started} мс)`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`Сборка не удалась: ${err.stack ?? err}`);
    process.exitCode = 1;
  });
}
