// Builds pult's production plugin file: `npm run package [-- --out DIR]` → DIR/pult.kplugin
// (default dist/). The format is file-format.ts's; this file only stages pult's folder for it:
//
//   package.json                 the monitor's fields only (no scripts, no dependency lists)
//   dist/pult.js                 one esbuild bundle of src/index.ts WITH its dependencies
//   dist/sql-wasm-debug.wasm     sql.js's debug wasm (the storage engine needs the debug build)
//   templates/**                 pages and static/ assets
//
// The layout is the developer-mode folder's, so the code finds templates (../templates) and the
// wasm (beside the bundle) the same way in both modes.
import { build, type Plugin } from 'esbuild';
import { cp, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pluginFileName, writePluginFile } from './plugins/file-format';

const REPO = path.resolve(__dirname, '..');
const WASM = 'sql-wasm-debug.wasm';
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
      // Only resolved when no wasm sits beside the bundle, which never happens in the file.
      external: [`sql.js/dist/${WASM}`],
      plugins: opts.esbuildPlugins ?? [],
      legalComments: 'eof',
      logLevel: 'warning',
    });
    await copyFile(require.resolve(`sql.js/dist/${WASM}`, { paths: [REPO] }), path.join(stage, path.dirname(main), WASM));
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
