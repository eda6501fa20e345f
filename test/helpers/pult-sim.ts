// pult itself in the simulator: a throwaway folder whose plugins/pult links to this
// repository (main: dist/pult.js, built by `npm test`'s pretest), settings and pult's own
// configuration seeded into StoragePath, the simulator on port 0.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimConfigInput, type Simulator } from '../../sim/index';
import { BASE_CONFIG } from '../sim/helpers';

export const REPO = path.resolve(__dirname, '..', '..');

export const MED_SETTINGS = {
  configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: ['med@example.ru'] }],
  userMessage: 'Отчёт передан разработчикам',
  dumpType: 0,
};

export interface PultSim {
  sim: Simulator;
  dir: string;
  /** http://127.0.0.1:<port>/pult */
  base: string;
  storage: string;
  outbox: string;
  events: EventEmitter;
  lines: string[];
  /** pid of the running plugin process. */
  pid(): number | undefined;
  stop(): Promise<void>;
  /** Stops the simulator but keeps the folder (to inspect what was left). */
  stopKeep(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface PultSimOptions {
  settings?: unknown;
  /** Merged into <StoragePath>/pult.config.json. */
  pultConfig?: Record<string, unknown>;
  sim?: Partial<SimConfigInput>;
  /** Reuse a folder left by an earlier stopKeep(). */
  dir?: string;
  /** Start on a copy of this StoragePath (a fixture made by an earlier version), settings included. */
  storageFrom?: string;
}

export async function startPultSim(opts: PultSimOptions = {}): Promise<PultSim> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'pult.js'))) throw new Error('dist/pult.js is missing: run `npm run build` (npm test does it)');
  const dir = opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'pult-test-')));
  const storage = path.join(dir, 'storage', 'pult');
  if (!opts.dir) {
    await mkdir(path.join(dir, 'plugins'), { recursive: true });
    await symlink(REPO, path.join(dir, 'plugins', 'pult'), 'dir');
    await mkdir(storage, { recursive: true });
    if (opts.storageFrom) await cp(opts.storageFrom, storage, { recursive: true });
    else await writeFile(path.join(storage, 'settings.json'), JSON.stringify(opts.settings ?? MED_SETTINGS));
    const pultConfig = { notices: { batchSeconds: 0.3, retrySeconds: 1, minIntervalSeconds: 0 }, loginUrl: '/_sim/login?next={next}', ...opts.pultConfig };
    await writeFile(path.join(storage, 'pult.config.json'), JSON.stringify(pultConfig));
  }
  const lines: string[] = [];
  const events = new EventEmitter();
  const sim = await startSimulator({
    config: { ...BASE_CONFIG, server: { hostname: 'kserver.test', protocol: 'https', preferredVDir: '' }, ...opts.sim },
    configDir: dir,
    events,
    log: (line) => {
      lines.push(line);
      if (process.env.SIM_LOG) process.stderr.write(line + '\n');
    },
  });
  const status = sim.plugins.get('pult')?.status;
  if (status !== 'running') {
    await sim.stop();
    throw new Error(`pult did not start (${status}):\n${lines.join('\n')}`);
  }
  const cleanup = () => rm(dir, { recursive: true, force: true });
  return {
    sim,
    dir,
    base: `${sim.url}/pult`,
    storage,
    outbox: path.join(dir, 'outbox'),
    events,
    lines,
    pid: () => sim.plugins.get('pult')?.pid,
    async stop() {
      try {
        await sim.stop();
      } finally {
        await cleanup();
      }
    },
    stopKeep: () => sim.stop(),
    cleanup,
  };
}

/** Mails the simulator's outbox holds, oldest first. */
export function readOutbox(outbox: string): { to: string; subject: string; body: string }[] {
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(outbox, f), 'utf8')));
}

/** Polls until `check` returns a value other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 8000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
