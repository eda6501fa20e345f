// Helpers for the simulator's tests: a throwaway folder with the probe plugins linked in, a
// simulator on port 0, plain node:http requests (full control over headers) and event waits.
import type { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimConfigInput, type Simulator } from '../../sim/index';

export const FIXTURES = path.resolve(__dirname, '../fixtures/plugins');

/** Sessions of BASE_CONFIG, by login. */
export const SESSION = { admin: 101, reader: 102, guest: 103, blocked: 104, old: 105, admin2: 106, support2: 107 } as const;

export const BASE_CONFIG: SimConfigInput = {
  pluginsDir: 'plugins',
  storageDir: 'storage',
  logsDir: 'logs',
  outboxDir: 'outbox',
  port: 0,
  restartDelayMs: 100,
  shutdownTimeoutMs: 2000,
  // Generous: on a loaded CI machine a plugin may take seconds to listen, and a test calling it
  // before then would see a 502 for a reason that is not under test.
  initTimeoutMs: 20000,
  server: { hostname: 'kserver.test', protocol: 'https', preferredVDir: '/docs' },
  groups: [
    { id: 1, name: 'Администраторы pult' },
    { id: 2, name: 'Поддержка' },
  ],
  users: [
    { id: 11, login: 'admin', name: 'Администратор', email: 'admin@example.test', department: 'ИТ', position: 'Инженер', groups: [1] },
    { id: 12, login: 'reader', name: 'Читатель', groups: [2] },
    { id: 13, login: 'guest', name: 'Гость' },
    { id: 14, login: 'blocked', name: 'Заблокированный', groups: [1], disabled: true },
    { id: 15, login: 'old', name: 'Бывший', groups: [1], expired: true },
    { id: 16, login: 'admin2', name: 'Второй администратор', groups: [1] },
    { id: 17, login: 'support2', name: 'Вторая поддержка', groups: [2] },
  ],
  sessions: Object.entries(SESSION).map(([user, id]) => ({ id, user })),
  licenses: [
    { id: 50100, name: 'Сервис pult', shortName: 'pult', seats: 10 },
    { id: 50101, name: 'Чтение', seats: 2 },
    { id: 50102, name: 'Администрирование', seats: 1 },
    { id: 50103, name: 'Просроченная', seats: 5, expires: '2001-01-01' },
    { id: 50104, ver: 2, name: 'Вторая версия', seats: 5 },
  ],
  features: { read: 50101, admin: 50102 },
  grants: [
    { feature: 50101, groups: [1, 2] },
    { feature: 50102, groups: [1] },
    { feature: 50103, users: ['admin'] },
    { feature: 50104, users: ['admin'] },
    { feature: 50105, users: ['admin'] }, // a right to a feature without a license
  ],
  products: [
    { id: 7, plugged: true },
    { id: 8, plugged: false },
  ],
  documents: [{ num: 1200000001, status: 'active', tooltip: 'Закон о тестах' }],
};

export interface TestSim {
  sim: Simulator;
  dir: string;
  lines: string[];
  /** POST /<route>/call on the probe: runs KServerApi[method](...args) inside the plugin. */
  call(method: string, args: unknown[], opts?: { route?: string; cookie?: string; sessionFromRequest?: boolean }): Promise<CallResult>;
  stop(): Promise<void>;
}

export type CallResult = { ok: true; value: any; type: string } | { ok: false; error: string; isError: boolean };

/**
 * Starts a simulator over a fresh folder; `plugins` maps a route to a fixture folder name.
 * Pass `events` to hear the events of the start-up too.
 */
export async function startTestSim(
  plugins: Record<string, string>,
  config: Partial<SimConfigInput> = {},
  opts: { events?: EventEmitter } = {},
): Promise<TestSim> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ksim-test-'));
  await mkdir(path.join(dir, 'plugins'));
  for (const [route, fixture] of Object.entries(plugins)) {
    await symlink(path.join(FIXTURES, fixture), path.join(dir, 'plugins', route), 'dir');
  }
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    if (process.env.SIM_LOG) process.stderr.write(`${line}\n`);
  };
  let sim: Simulator;
  try {
    sim = await startSimulator({ config: { ...BASE_CONFIG, ...config }, configDir: dir, log, ...opts });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const firstRoute = Object.keys(plugins)[0] ?? 'probe';
  return {
    sim,
    dir,
    lines,
    async call(method, args, opts = {}) {
      const res = await request(`${sim.url}/${opts.route ?? firstRoute}/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.cookie ? { cookie: opts.cookie } : {}) },
        body: JSON.stringify({ method, args, sessionFromRequest: opts.sessionFromRequest }),
      });
      if (res.status !== 200) throw new Error(`call ${method}: HTTP ${res.status} ${res.text}`);
      return res.json() as CallResult;
    },
    async stop() {
      try {
        await sim.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

/** One HTTP request with exactly the given headers (node:http adds only Host if absent). */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Resolves with the next event `name` whose payload passes `match`; rejects after timeoutMs. */
export function nextEvent<T = any>(
  events: EventEmitter,
  name: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 8000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off(name, listener);
      reject(new Error(`no "${name}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      events.off(name, listener);
      resolve(payload);
    };
    events.on(name, listener);
  });
}

export const cookieOf = (session: number) => `Kodeks=${session}`;
