/**
 * The pages under test: the real app (createApp) over a real store (the storage engine in
 * a temp folder, MIGRATIONS applied), a real ZipStore and SettingsStore, and a fake
 * KServer whose answers depend on the `Kodeks` session cookie. Called over HTTP.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { PluginConfigSchema } from '../../src/config/plugin-config';
import type { KServer } from '../../src/kserver/api';
import { KServerMethodMissingError } from '../../src/kserver/errors';
import type { KServerMethod } from '../../src/kserver/methods';
import { silentLogger, type Logger } from '../../src/log';
import type { ErrorKey } from '../../src/registry/error-key';
import type { ReportFacts } from '../../src/registry/report-facts';
import { readReport } from '../../src/intake/read-report';
import { BackgroundJobs } from '../../src/registry/background-jobs';
import { clearJob } from '../../src/registry/clear';
import { problemKeyOf } from '../../src/registry/problem-key';
import { countInProblem } from '../../src/registry/problem-intake';
import { registerReport, type Outcome } from '../../src/registry/register-report';
import { DeferredIndexes } from '../../src/registry/deferred-indexes';
import { retentionJob } from '../../src/registry/retention';
import { SettingsStore } from '../../src/registry/settings-store';
import type { Settings } from '../../src/registry/settings-schema';
import { openStore } from '../../src/storage/engine';
import { DatabaseBackups } from '../../src/storage/backup';
import { MIGRATIONS } from '../../src/storage/migrations';
import { countReport, insertError, insertReport } from '../../src/storage/registry-repo';
import type { Store } from '../../src/storage/store';
import { ZipStore } from '../../src/storage/zip-store';
import { sampleReport } from '../helpers/samples';
import { all } from '../../src/storage/sql';

export const ROUTE = 'pult';
export const BASE = `/${ROUTE}/`;
const TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');

export const MED_SETTINGS: Settings = {
  configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: ['med@example.ru'] }],
  userMessage: 'Спасибо, отчёт поможет нам исправить ошибку',
  dumpType: 0,
};

/** Who a test acts as: the value of the `Kodeks` session cookie. */
export type Who = 'reader' | 'admin' | 'anonymous' | 'exhausted' | 'evil' | 'ghost';

export const USERS = {
  reader: { login: 'petrova', name: 'Петрова Анна' },
  admin: { login: 'admin', name: 'Администратор Пульта' },
  /** Logged in, but every seat of the licence is taken: CheckAccess refuses. */
  exhausted: { login: 'ivanov', name: 'Иванов Пётр' },
  evil: { login: 'evil<script>', name: '<script>alert("name")</script><b>Злоумышленник</b>' },
} as const;

/** A KServer as the monitor would answer, per session cookie. Only what pult calls. */
export function fakeKServer(): KServer & { calls: string[] } {
  const calls: string[] = [];
  const whoOf = (session: unknown): string => {
    const cookie = (session as http.IncomingMessage)?.headers?.cookie ?? '';
    return /(?:^|;\s*)Kodeks=([^;]*)/.exec(cookie)?.[1] ?? 'anonymous';
  };
  const readers = new Set(['reader', 'admin', 'evil', 'ghost']);
  const missing = (m: KServerMethod) => () => Promise.reject(new KServerMethodMissingError(m));
  const implemented = new Set<KServerMethod>(['UserInfo', 'CheckAccess', 'PickPermissions']);
  return {
    calls,
    has: (m) => implemented.has(m),
    async userInfo(session) {
      const who = whoOf(session);
      calls.push(`UserInfo:${who}`);
      const u = USERS[who as keyof typeof USERS];
      if (!u) return { authenticated: false as const };
      return { authenticated: true as const, id: who, login: u.login, name: u.name };
    },
    async checkAccess(_feature, _ver, session) {
      const who = whoOf(session);
      calls.push(`CheckAccess:${who}`);
      if (readers.has(who)) return { granted: true };
      if (who === 'exhausted') return { granted: false, reason: 'нет свободных лицензий' };
      return { granted: false, reason: 'пользователь не выполнил вход' };
    },
    async pickPermissions(features, session) {
      const who = whoOf(session);
      calls.push(`PickPermissions:${who}`);
      return features.map((feature) => ({ feature, granted: who === 'admin' }));
    },
    userList: missing('UserList'),
    sendMail: missing('SendMail'),
    getServerInfo: missing('GetServerInfo'),
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface TestApp {
  dir: string;
  store: Store;
  zips: ZipStore;
  settings: SettingsStore;
  /** The background batch runner (clear, retention); `jobs.idle()` waits for it. */
  jobs: BackgroundJobs;
  /** The search words and list orders intake left for a batch; `catchUp()` writes them. */
  indexes: DeferredIndexes;
  kserver: ReturnType<typeof fakeKServer>;
  port: number;
  request(method: string, urlPath: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply>;
  /** A browser of one user: keeps its cookies, knows the CSRF token of the last page. */
  browser(who: Who): Browser;
  /** Registers sample reports (names from ../shared/samples/reports) in order. */
  register(...names: string[]): Promise<Outcome[]>;
  /** Registers one zip as pushReport would (received now, or at `receivedAt`). */
  registerZip(zip: Buffer, receivedAt?: Date): Promise<Outcome>;
}

/** Starts the app on an ephemeral port; everything is removed after the test. */
export async function startApp(
  t: { after(fn: () => Promise<void>): void },
  settings: Settings = MED_SETTINGS,
  log: Logger = silentLogger,
  /** Merged into the plugin configuration (pult.config.json's keys). */
  pultConfig: Record<string, unknown> = {},
): Promise<TestApp> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pult-pages-'));
  const store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => undefined });
  const zips = new ZipStore(path.join(dir, 'zips'));
  const settingsStore = SettingsStore.open(dir);
  await settingsStore.update(settings);
  const kserver = fakeKServer();
  const config = PluginConfigSchema.parse({ features: { read: 50101, admin: 50102 }, accessCacheSeconds: 0, ...pultConfig });
  const jobs = new BackgroundJobs({
    store,
    zips,
    log: silentLogger,
    definitions: [clearJob(settingsStore, silentLogger), retentionJob(settingsStore, silentLogger)],
    pauseMs: 0,
  });
  const indexes = new DeferredIndexes(store);
  const app = createApp({
    route: ROUTE,
    kserver,
    config,
    templatesDir: TEMPLATES,
    staticDir: path.join(TEMPLATES, 'static'),
    log,
    settings: settingsStore,
    store,
    zips,
    jobs,
    indexes,
    backups: new DatabaseBackups(store, dir),
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  t.after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await jobs.stop();
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const request: TestApp['request'] = (method, urlPath, options = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: { host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });

  const registerDeps = { store, zips, settings: settingsStore, log: silentLogger, indexes };
  return {
    dir,
    store,
    zips,
    settings: settingsStore,
    jobs,
    indexes,
    kserver,
    port,
    request,
    browser: (who) => new Browser(request, who),
    async register(...names) {
      const out: Outcome[] = [];
      for (const name of names) {
        out.push(await registerReport(registerDeps, { ...(await readReport(sampleReport(name), 8 * 1024 * 1024)), ip: '10.0.0.7', receivedAt: new Date() }));
      }
      return out;
    },
    registerZip: async (zip, receivedAt = new Date()) => registerReport(registerDeps, { ...(await readReport(zip, 8 * 1024 * 1024)), ip: '10.0.0.7', receivedAt }),
  };
}

export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  /** The revision the last page's form was made on (its hidden `rev` field). */
  rev = '';

  constructor(
    private readonly send: TestApp['request'],
    who: Who,
  ) {
    if (who !== 'anonymous') this.cookies.set('Kodeks', who);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(reply: Reply): Reply {
    for (const line of reply.headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(reply.text)?.[1];
    if (token) this.csrf = token;
    const rev = /name="rev" value="([^"]+)"/.exec(reply.text)?.[1];
    if (rev) this.rev = rev;
    return reply;
  }

  async get(urlPath: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.keep(await this.send('GET', urlPath, { headers: { cookie: this.cookieHeader(), accept: 'text/html', ...headers } }));
  }

  /** A form POST as the browser sends it; `_csrf` is the page's token unless given. */
  /** A form post; a field given as a list is sent once per value (checkboxes). */
  async post(urlPath: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Reply> {
    const form = new URLSearchParams({ _csrf: this.csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    const body = form.toString();
    return this.keep(
      await this.send('POST', urlPath, {
        headers: {
          cookie: this.cookieHeader(),
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
        body,
      }),
    );
  }
}

/**
 * Many errors at once, straight through the intake repository (what registerReport would
 * write, minus the zips): for paging and filters. Zip names point at files that do not
 * exist. Returns the new error ids, oldest first.
 */
export async function buildErrors(
  store: Store,
  count: number,
  make: (i: number) => { config?: string; version?: string; texts?: string[]; detailed?: boolean; reports?: number } = () => ({}),
): Promise<number[]> {
  return store.write((db) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const spec = make(i);
      const key: ErrorKey = {
        configName: spec.config ?? 'МедицинаБольница',
        configVersion: spec.version ?? '2.0.6.45',
        extensions: [],
        texts: spec.detailed === false ? [] : (spec.texts ?? [`Ошибка номер ${i}`]),
        stackHash: spec.detailed === false ? '' : 'ABCDEF',
        detailed: spec.detailed !== false,
        hash: randomUUID(),
      };
      const at = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
      const errorId = insertError(db, key, at);
      let problemId: number | undefined;
      for (let r = 0; r < (spec.reports ?? 1); r++) {
        insertReport(db, {
          errorId,
          facts: builtFacts(at, `pc-${i}-${r}`),
          groupable: true,
          ip: '10.1.1.1',
          receivedAt: at,
          zipName: randomUUID().replaceAll('-', '') + '.zip',
          zipSize: 1000,
        });
        countReport(db, errorId, at, true);
        problemId = countInProblem(db, {
          errorId,
          problemId,
          linked: problemId !== undefined,
          problemKey: () => problemKeyOf(key),
          key,
          clientId: `pc-${i}-${r}`,
          userName: 'Пользователь',
          stored: true,
          newComputer: true,
          time: at,
        }).problemId;
      }
      ids.push(errorId);
    }
    return ids;
  });
}

function builtFacts(time: string, clientId: string): ReportFacts {
  return {
    uid: randomUUID(),
    time,
    clientId,
    hasFiles: false,
    hasScreenshot: false,
    crashed: false,
    userName: 'Пользователь',
    appVersion: '8.3.24.1548',
    appName: '1CV8C',
    platformType: 'Windows_x86_64',
    serverType: 'Windows_x86_64',
    serverVersion: '8.3.24.1548',
    dataSeparation: '',
    dbms: 'PostgreSQL',
    changeEnabled: false,
    userDescription: undefined,
    userAgent: undefined,
    additionalInfo: undefined,
  };
}

/** The rows of one table, for checking state after a request. */
export function rows<T = Record<string, unknown>>(store: Store, sql: string, params: (string | number | null)[] = []): T[] {
  return store.read((db) => all<T>(db, sql, params));
}
