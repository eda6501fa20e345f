// The production file in tests: real packaging (once per test file), a throwaway simulator
// folder whose plugins folder holds only that file, and the database read with the schema of
// the version that wrote it.
import { createHash } from 'node:crypto';
import type { Plugin } from 'esbuild';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'sql.js';
import { startSimulator, type SimConfigInput, type Simulator } from '../../sim/index';
import { packagePult, type PackageResult } from '../../sim/package-pult';
import { openStore, type Migration } from '../../src/storage/engine';
import { MED_SETTINGS } from '../helpers/pult-sim';
import { BASE_CONFIG } from '../sim/helpers';

export const TEST_MIGRATIONS_MODULE = path.join(__dirname, 'fixtures', 'migrations-with-test-step.ts');
export const UPDATE_VERSION = '0.1.1-test';

/** esbuild plugin: the bundle gets the test migrations module instead of the released one. */
export function testMigrationPlugin(): Plugin {
  return {
    name: 'test-migration',
    setup(build) {
      build.onResolve({ filter: /\/storage\/migrations$/ }, (args) =>
        args.importer === TEST_MIGRATIONS_MODULE ? undefined : { path: TEST_MIGRATIONS_MODULE },
      );
    },
  };
}

export interface Builds {
  /** The production file as `npm run package` makes it. */
  current: PackageResult;
  /** The next version: a test-only migration on top, version UPDATE_VERSION. */
  next: PackageResult;
}

/** Packages pult twice into `root/build-*`: as released, and as the next version with a schema change. */
export async function buildBoth(root: string): Promise<Builds> {
  const [current, next] = await Promise.all([
    packagePult({ outDir: path.join(root, 'build-current') }),
    packagePult({ outDir: path.join(root, 'build-next'), version: UPDATE_VERSION, esbuildPlugins: [testMigrationPlugin()] }),
  ]);
  return { current, next };
}

export interface Installed {
  dir: string;
  plugins: string;
  storage: string;
  lines: string[];
  events: EventEmitter;
}

/** A simulator folder whose plugins folder holds only `file` (as pult.kplugin), settings seeded. */
export async function installInto(root: string, file: string): Promise<Installed> {
  const dir = await mkdtemp(path.join(root, 'sim-'));
  const plugins = path.join(dir, 'plugins');
  const storage = path.join(dir, 'storage', 'pult');
  await mkdir(plugins, { recursive: true });
  await copyFile(file, path.join(plugins, 'pult.kplugin'));
  await mkdir(storage, { recursive: true });
  await writeFile(path.join(storage, 'settings.json'), JSON.stringify(MED_SETTINGS));
  await writeFile(path.join(storage, 'pult.config.json'), JSON.stringify({ notices: { batchSeconds: 0.3, retrySeconds: 1 } }));
  return { dir, plugins, storage, lines: [], events: new EventEmitter() };
}

/** Starts a simulator over an installed folder; its log lines and events go to `at`. */
export function startSim(at: Installed, config: Partial<SimConfigInput> = {}): Promise<Simulator> {
  return startSimulator({
    config: { ...BASE_CONFIG, updateScanMs: 300, updateSettleMs: 100, ...config },
    configDir: at.dir,
    events: at.events,
    log: (line) => {
      at.lines.push(line);
      if (process.env.SIM_LOG) process.stderr.write(line + '\n');
    },
  });
}

/** Copies `file` into the plugins folder as an update under a hidden name, then renames it: one event. */
export async function dropUpdate(at: Installed, file: string | Buffer): Promise<string> {
  const target = path.join(at.plugins, 'pult.kplugin.update');
  const temp = path.join(at.plugins, '.incoming');
  if (typeof file === 'string') await copyFile(file, temp);
  else await writeFile(temp, file);
  await fs.promises.rename(temp, target);
  return target;
}

/** Waits for a simulator event whose payload has this route. */
export async function nextEvent<T extends { route: string }>(events: EventEmitter, name: string, timeoutMs = 20_000): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    for (;;) {
      const [payload] = (await once(events, name, { signal: ac.signal })) as [T];
      if (payload.route === 'pult') return payload;
    }
  } catch (err) {
    if (ac.signal.aborted) throw new Error(`no ${name} event within ${timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Opens pult's database (the simulator must be stopped) with the schema of the version that wrote it. */
export async function withDb<T>(storage: string, migrations: readonly Migration[], fn: (db: Database) => T, write = false): Promise<T> {
  const store = await openStore({ dir: path.join(storage, 'db'), migrations, log: () => {} });
  try {
    return write ? await store.write(fn) : store.read(fn);
  } finally {
    await store.close();
  }
}

/** Relative path → sha256 of every file below `dir` (files only; `skip` names left out). */
export function hashTree(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || skip.includes(e.name)) continue;
    const full = path.join(e.parentPath, e.name);
    out[path.relative(dir, full)] = sha256(fs.readFileSync(full));
  }
  return out;
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function fileHash(file: string): Promise<string> {
  return sha256(await readFile(file));
}

/** `DD-MM-YYYY` of today, as the backup names use. */
export function today(): string {
  const d = new Date();
  return `${String(d.getDate()).padStart(2, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${d.getFullYear()}`;
}

/** Index of the first line after `from` that contains `text`; -1 when none. */
export function lineAfter(lines: string[], text: string, from = -1): number {
  for (let i = from + 1; i < lines.length; i++) if (lines[i]!.includes(text)) return i;
  return -1;
}

/** GET as text. */
export async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}

export function tmpRoot(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}
