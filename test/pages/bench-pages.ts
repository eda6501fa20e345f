/**
 * Not a test: server time of the s/ pages at scale, on the real storage engine.
 *   node --expose-gc --import tsx test/pages/bench-pages.ts [errors=100000] [reports=1000000] [clear|retention|report-only]
 * Fills a store with synthetic rows (5 configurations × 20 versions, one hot error holding
 * a tenth of the reports), then times the repository queries and whole HTTP requests.
 */
import { compactTime, compactUid, compactZipName } from '../../src/storage/compact-values';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import { errorFacets, findError, hasErrorsBeyond, hasReportsBeyond, listErrors, listReports, type ErrorFilter } from '../../src/storage/pages-repo';
import { silentLogger } from '../../src/log';
import http from 'node:http';
import os from 'node:os';
import { crc32 } from 'node:zlib';
import JSZip from 'jszip';
import { buildReportJson } from '../helpers/build-report';
import { hostileReportJson } from '../helpers/hostile-report';
import { planClear, startClear } from '../../src/registry/clear';
import { startRetentionPass } from '../../src/registry/retention';
import { startApp } from './harness';
import { indexNextErrors, indexNextReports } from '../../src/storage/search-repo';
import { searchErrors } from '../../src/registry/search';
import { parseSearch } from '../../src/registry/search-query';
import { problemWindowCounts } from '../../src/storage/problem-list-repo';
import { trendWindow } from '../../src/registry/trend';
import { dayOf } from '../../src/registry/days';
import { countDay } from '../../src/storage/registry-repo';

const ERRORS = Number(process.argv[2] ?? 100_000);
const REPORTS = Number(process.argv[3] ?? 1_000_000);
const PER_PROBLEM = 4;
/** registry/deferred-indexes.ts's REPORTS_PER_BATCH. */
const SEARCH_BATCH = 500;
const HISTORY = 150;

function fill(db: Database, from: number, to: number, reportsPer: (id: number) => number, nextReport: { id: number }) {
  const insError = db.prepare(
    `INSERT INTO errors (id, key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen, reports_total, computers, problem_id)
     VALUES (?, ?, ?, ?, '[["ИсправленияОшибок","5f1c2a9e0b7d4c3a8e6f1d2c3b4a596877665544"]]', ?, 'FACFAF990A1B2C3D4E5F60718293A4B5', 1, ?, ?, ?, ?, ?)`,
  );
  // Problems of PER_PROBLEM consecutive errors (the same bug in several versions).
  const insProblem = db.prepare(
    `INSERT INTO problems (id, config_name, status, owner_login, owner_name, rev, first_seen, last_seen, reports_total, computers, users)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
  );
  const insReport = db.prepare(
    `INSERT INTO reports (id, error_id, uid_own, received_own, time_own, count, client_id, groupable, has_files, has_screenshot, crashed, ip, env_id,
       descriptions, zip_own, zip_size)
     VALUES (?, ?, ?, ?, ?, 1, ?, 1 - ?, ?, ?, ?, '10.0.0.7', 1,
       '[["2026-11-20T10:05:41.000Z","Нажала «Провести и закрыть» в карте пациента"]]', ?, 48213)`,
  );
  db.run(
    `INSERT OR IGNORE INTO report_envs (id, key, user_name, app_version, app_name, platform_type, server_type, server_version, data_separation, dbms, change_enabled)
     VALUES (1, 'bench', 'Петрова Анна Сергеевна', '8.3.24.1548', '1CV8C', 'Windows_x86_64', 'Windows_x86_64', '8.3.24.1548', '', 'PostgreSQL', 0)`,
  );
  const insUid = db.prepare('INSERT INTO report_uids (key, report_id) VALUES (?, ?)');
  for (let id = from; id < to; id++) {
    const at = new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString();
    const n = reportsPer(id);
    const texts = JSON.stringify([
      `{Документ.КартаПациента.Форма.ФормаДокумента.Форма(${id % 900})}: Ошибка при вызове метода контекста (Записать)`,
      `{Документ.КартаПациента.МодульОбъекта(${id % 1200})}: Не заполнено поле "Лечащий врач" №${id}`,
    ]);
    const problemId = Math.ceil(id / PER_PROBLEM);
    if ((id - 1) % PER_PROBLEM === 0) {
      const taken = problemId % 3 === 0;
      insProblem.run([problemId, `Конфигурация${id % 5}`, taken ? 'in-work' : 'new', taken ? 'petrova' : null, taken ? 'Петрова Анна' : null, at, at, n * PER_PROBLEM, n * PER_PROBLEM, n]);
    }
    // The errors of one problem stay in one configuration (id % 5 changes within a group, so pin it).
    const config = `Конфигурация${(problemId * PER_PROBLEM - PER_PROBLEM + 1) % 5}`;
    insError.run([id, randomUUID(), config, `2.0.${id % 20}.${id % 7}`, texts, at, at, n, n, problemId]);
    for (let r = 0; r < n; r++) {
      const rid = nextReport.id++;
      const uid = randomUUID();
      // The first report of two errors in three has a screenshot; one error in 500 has attached
      // files, one in 5,000 crashed (rare filters walk far along the sort index).
      const files = r === 0 && id % 500 === 0 ? 1 : 0;
      insReport.run([
        rid, id, compactUid(uid), compactTime(at), compactTime(at), `pc-${id}-${r}`, files, files, r === 0 && id % 3 !== 0 ? 1 : 0,
        r === 0 && id % 5000 === 0 ? 1 : 0, compactZipName(uid.replaceAll('-', '') + '.zip'),
      ]);
      insUid.run([compactUid(uid), rid]);
    }
  }
  insError.free();
  insProblem.free();
  insReport.free();
  insUid.free();
}

function time(label: string, runs: number, fn: () => unknown) {
  fn(); // warm the statement cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const max = samples[samples.length - 1]!;
  console.log(`${label.padEnd(58)} median ${median.toFixed(2).padStart(7)} ms   max ${max.toFixed(2).padStart(7)} ms`);
}

/** p99 and max of `runs` whole requests. */
async function timeRequests(label: string, runs: number, fn: () => Promise<{ status: number }>) {
  await fn();
  const samples: number[] = [];
  // CPU time of the process too: on a shared machine wall time mostly measures the queue for a core.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fn();
    samples.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${label}: ${res.status}`);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
  console.log(`${('HTTP ' + label).padEnd(58)} median ${p(0.5).toFixed(2).padStart(7)} ms   p99 ${p(0.99).toFixed(2).padStart(7)} ms   cpu ${cpuMs.toFixed(2)} ms/request`);
}

/** A PNG of `bytes` bytes: a real signature and IHDR, then noise (does not compress, like a photo). */
function fakePng(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4) buf.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, Math.min(i, bytes - 4));
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf, 0);
  buf.writeUInt32LE(crc32(buf.subarray(8, 64)), 64);
  return buf;
}

/**
 * Issue 11: s/report/R for a 60 KB report and a 5,000-frame report (server time p99; the
 * parsed zips are cached, the first read is shown apart), and the event loop's longest
 * stall while 2 MB screenshots are served.
 */
async function benchReportPage() {
  const cleanups: (() => Promise<void>)[] = [];
  const app = await startApp({ after: (fn) => cleanups.push(fn) });
  try {
    const zipOf = async (json: unknown, screenshot: Buffer) => {
      const zip = new JSZip();
      zip.file('report.json', JSON.stringify(json, null, 4));
      zip.file('screenshot.png', screenshot);
      return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    };
    const big = buildReportJson({ edit: (j) => (j.additionalData = Array.from({ length: 600 }, (_, i) => ({ n: i, event: `Запись журнала регистрации ${i}` }))) });
    const bigZip = await zipOf(big, fakePng(70));
    await app.registerZip(bigZip);
    await app.registerZip(await zipOf(hostileReportJson({ frames: 5000, textBytes: 1024 }), fakePng(70)));
    await app.registerZip(await zipOf(buildReportJson({ clientId: 'pc-shot' }), fakePng(2 * 1024 * 1024)));
    console.log(`report 1: report.json ${(JSON.stringify(big, null, 4).length / 1024).toFixed(0)} KB; report 2: 5,001 frames; report 3: 2 MB screenshot`);
    const browser = app.browser('reader');
    for (const [label, url] of [
      ['s/report/1 (60 KB report.json)', '/pult/s/report/1'],
      ['s/report/2 (5,000-frame stack)', '/pult/s/report/2'],
    ] as const) {
      const t = performance.now();
      await browser.get(url);
      console.log(`${('HTTP ' + label + ', first (zip read)').padEnd(58)} ${(performance.now() - t).toFixed(2).padStart(7)} ms`);
      await timeRequests(label, 200, () => browser.get(url));
    }
    // A client that drops the bytes: the stall measured is the server's, not a test client decoding 2 MB as text.
    const fetchShot = () =>
      new Promise<{ status: number }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: app.port, path: '/pult/s/report/3/screenshot', headers: { cookie: 'Kodeks=reader' } }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        });
        req.on('error', reject);
      });
    await fetchShot();
    const probe = stallProbe(1);
    await timeRequests('s/report/3/screenshot (2 MB PNG)', 30, fetchShot);
    const longest = probe.stop();
    console.log(`${'longest event-loop stall while serving the 2 MB screenshot'.padEnd(58)} ${longest.toFixed(2).padStart(7)} ms`);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

async function main() {
  if (!process.argv.includes('list-only')) await benchReportPage();
  if (process.argv.includes('report-only')) return;
  const cleanups: (() => Promise<void>)[] = [];
  const app = await startApp({ after: (fn) => cleanups.push(fn) }, { configurations: [], userMessage: '', dumpType: 0 });
  try {
    const hotReports = Math.floor(REPORTS / 10);
    const perError = Math.max(0, Math.floor((REPORTS - hotReports) / Math.max(1, ERRORS - 1)));
    const nextReport = { id: 1 };
    const t0 = performance.now();
    const BATCH = 2000;
    for (let from = 1; from <= ERRORS; from += BATCH) {
      const to = Math.min(ERRORS + 1, from + BATCH);
      await app.store.write((db) => {
        fill(db, from, to, (id) => (id === 1 ? hotReports : perError), nextReport);
      });
      // What the plugin's batches (registry/deferred-indexes.ts) would have done meanwhile, in
      // its batch size: the search index gets the segments a running pult gives it (FTS4 merges
      // by segment count, so the layout decides what a later merge costs).
      while ((await app.store.write((db) => indexNextErrors(db, SEARCH_BATCH) + indexNextReports(db, SEARCH_BATCH))) > 0);
      // And the merging its timer does between batches (mergeSegments: short steps).
      while (await app.indexes.mergeSegments());
    }
    // A long history on the hot problem: every kind of event, comments included.
    await app.store.write((db) => {
      for (let i = 0; i < HISTORY; i++) {
        const kind = i % 3 === 0 ? 'comment' : 'state';
        const data = kind === 'comment' ? { text: `Комментарий ${i}\nвторая строка` } : { from: { status: 'new', owner: null }, to: { status: 'in-work', owner: { login: 'petrova', name: 'Петрова Анна' } } };
        db.run('INSERT INTO problem_events (problem_id, rev, at, login, name, kind, data) VALUES (1, ?, ?, ?, ?, ?, ?)', [i + 2, new Date().toISOString(), 'petrova', 'Петрова Анна', kind, JSON.stringify(data)]);
      }
      db.run('UPDATE problems SET rev = ? WHERE id = 1', [HISTORY + 1]);
    });
    // Per-day counts over the last 90 days (issue 13's trend), one day per error.
    await app.store.write((db) =>
      db.run("INSERT INTO error_days (error_id, day, reports, computers) SELECT id, date(?, '-' || (id % 90) || ' days'), reports_total, computers FROM errors", [
        new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10),
      ]),
    );
    // The list filters' counts (as migration 17 backfills them) and categories: every error
    // ExceptionRaisedFromScript, one in ten also NetworkError, one in 2,000 ScriptCompileError.
    await app.store.write((db) =>
      db.exec(`
        UPDATE problems SET screenshots = c.s, files = c.f, crashes = c.c
          FROM (SELECT e.problem_id AS id, SUM(r.has_screenshot IS 1) AS s, SUM(r.has_files IS 1) AS f, SUM(r.crashed IS 1) AS c
                  FROM reports r JOIN errors e ON e.id = r.error_id WHERE r.has_screenshot IS 1 OR r.has_files IS 1 OR r.crashed IS 1 GROUP BY e.problem_id) AS c
         WHERE problems.id = c.id;
        INSERT INTO error_categories (category, error_id) SELECT 'ExceptionRaisedFromScript', id FROM errors;
        INSERT INTO error_categories (category, error_id) SELECT 'NetworkError', id FROM errors WHERE id % 10 = 0;
        INSERT INTO error_categories (category, error_id) SELECT 'ScriptCompileError', id FROM errors WHERE id % 2000 = 1;
      `),
    );
    console.log(`filled ${ERRORS} errors (${Math.ceil(ERRORS / PER_PROBLEM)} problems), ${nextReport.id - 1} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Let the engine's background checkpoint finish and the fill's garbage go, so the
    // numbers below are the pages' own (run with --expose-gc).
    // The plugin's first batch after start (registry/deferred-indexes.ts) looks at every problem's place once.
    await app.indexes.catchUp();
    await new Promise((r) => setTimeout(r, 5000));
    (globalThis as { gc?: () => void }).gc?.();

    const read = <T>(fn: (db: Database) => T) => app.store.read(fn);
    const filters: [string, ErrorFilter][] = [
      ['none', {}],
      ['config', { config: 'Конфигурация3' }],
      ['version', { version: '2.0.7.0' }],
      ['config+version', { config: 'Конфигурация2', version: '2.0.7.0' }],
    ];
    for (const [name, f] of filters) {
      time(`errors page 1, filter ${name} (+ both "beyond" checks)`, 30, () =>
        read((db) => {
          const rows = listErrors(db, f, { before: Number.MAX_SAFE_INTEGER }, 50);
          hasErrorsBeyond(db, f, rows[0]?.id ?? 0, 'newer');
          hasErrorsBeyond(db, f, rows[rows.length - 1]?.id ?? 0, 'older');
        }),
      );
    }
    time('errors deep page (before=20000), no filter', 30, () => read((db) => listErrors(db, {}, { before: 20_000 }, 50)));
    time('errors newer page (after=20000), filter config', 30, () => read((db) => listErrors(db, { config: 'Конфигурация1' }, { after: 20_000 }, 50)));
    time('facets (uncached: whole errors_by_config walk)', 10, () => read((db) => errorFacets(db)));
    time(`reports/1 (hot error, ${hotReports} reports) page 1`, 30, () =>
      read((db) => {
        findError(db, 1);
        const rows = listReports(db, 1, { before: Number.MAX_SAFE_INTEGER }, 50);
        hasReportsBeyond(db, 1, rows[rows.length - 1]!.id, 'older');
      }),
    );
    time('reports/1 deep page (middle of the hot error)', 30, () => read((db) => listReports(db, 1, { before: Math.floor(hotReports / 2) }, 50)));
    time(`reports/${ERRORS} (typical error) page 1`, 30, () => read((db) => (findError(db, ERRORS), listReports(db, ERRORS, { before: Number.MAX_SAFE_INTEGER }, 50))));

    // Whole requests: access check (fake KServer), query, render, HTTP on loopback.
    const browser = app.browser('admin');
    await browser.get('/pult/s/errorsList');
    for (const [label, url] of (process.argv.includes('list-only') ? [] : [
      ['GET s/errorsList (problems)', '/pult/s/errorsList'],
      ['GET s/errorsList?config=… (problems)', `/pult/s/errorsList?config=${encodeURIComponent('Конфигурация3')}`],
      ['GET s/errorsList?version=… (problems)', '/pult/s/errorsList?version=2.0.7.0'],
      ['GET s/errorsList?config=…&version=… (problems)', `/pult/s/errorsList?config=${encodeURIComponent('Конфигурация2')}&version=2.0.7.0`],
      ['GET s/errorsList?before=12500 (problems)', '/pult/s/errorsList?before=12500'],
      ['GET s/errorsList JSON (problems)', '/pult/s/errorsList#json'],
      ['GET s/errorsList?view=errors', '/pult/s/errorsList?view=errors'],
      ['GET s/errorsList?view=errors&config=…&version=…', `/pult/s/errorsList?view=errors&config=${encodeURIComponent('Конфигурация2')}&version=2.0.7.0`],
      ['GET s/errorsList?view=errors&before=50000', '/pult/s/errorsList?view=errors&before=50000'],
      [`GET s/reports/1 (hot error, history of ${HISTORY})`, '/pult/s/reports/1'],
      [`GET s/reports/${ERRORS}`, `/pult/s/reports/${ERRORS}`],
    ]) as [string, string][]) {
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const json = url.endsWith('#json');
        const res = await browser.get(url.replace('#json', ''), json ? { accept: 'application/json' } : {});
        samples.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      }
      samples.sort((a, b) => a - b);
      console.log(`${('HTTP ' + label).padEnd(58)} median ${samples[10]!.toFixed(2).padStart(7)} ms   max ${samples[19]!.toFixed(2).padStart(7)} ms`);
    }
    // Issue 13's parts on their own: the search, the trend window's days.
    for (const q of ['лечащ', 'Записать врач', 'петрова', '12345']) time(`searchErrors «${q}»`, 10, () => read((db) => searchErrors(db, parseSearch(q)!)));
    time('trend: counts of the 8-day window per problem', 10, () => read((db) => problemWindowCounts(db, trendWindow(Date.now()))));
    await benchListCombinations(app.browser('admin'));
    // A repeat of a known error before each request, as intake writes it: every kept answer
    // goes, the orders and the trend's counts move.
    let repeat = 0;
    await benchAfterReport(app.browser('admin'), () =>
      app.store.write((db) => {
        const errorId = 1 + ((repeat++ * 7919) % ERRORS);
        const now = new Date().toISOString();
        countDay(db, errorId, dayOf(now), false);
        db.run('UPDATE errors SET reports_total = reports_total + 1, last_seen = ? WHERE id = ?', [now, errorId]);
        db.run('UPDATE problems SET reports_total = reports_total + 1, last_seen = ? WHERE id = (SELECT problem_id FROM errors WHERE id = ?)', [now, errorId]);
      }),
    );
    if (process.argv[4] === 'clear') {
      // Clearing one configuration in five (a fifth of the data) under the new rules.
      await app.settings.update({
        configurations: [1, 2, 3, 4].map((i) => ({ name: `Конфигурация${i}`, versions: [''], recipients: [] })),
        userMessage: '',
        dumpType: 0,
      });
      let t = performance.now();
      const plan = planClear(app.store, app.settings.get());
      console.log(`planClear: ${plan.totals.errors} errors, ${plan.totals.reports} reports in ${(performance.now() - t).toFixed(0)} ms`);
      t = performance.now();
      const stalls = stallProbe();
      if ((await startClear(app.store, app.settings, plan.digest)) !== 'started') throw new Error('clear not started');
      app.jobs.kick();
      await app.jobs.idle();
      console.log(`background clear: ${JSON.stringify(rowCounts(app))} left in ${(performance.now() - t).toFixed(0)} ms; longest event-loop stall ${stalls.stop().toFixed(0)} ms`);
    }
    if (process.argv[4] === 'retention') {
      // Reports were received one minute per error from 1 Jan 2026: keep the newer half.
      await app.settings.update({ configurations: [], userMessage: '', dumpType: 0, retention: { enabled: true, days: 30, keepLatest: 10 } });
      const now = new Date(Date.UTC(2026, 0, 1) + (ERRORS / 2) * 60_000 + 30 * 86_400_000);
      const t = performance.now();
      const segments = () => JSON.stringify(app.store.read((db) => db.exec('SELECT level, count(*) FROM report_search_segdir GROUP BY level')[0]?.values));
      const before = segments();
      const stalls = stallProbe();
      await startRetentionPass(app.store, app.settings.get(), now);
      app.jobs.kick();
      await app.jobs.idle();
      console.log(`retention pass: ${JSON.stringify(rowCounts(app))} left in ${(performance.now() - t).toFixed(0)} ms; longest event-loop stall ${stalls.stop().toFixed(0)} ms; search-index segments per level ${before} → ${segments()}`);
    }
    const mem = process.memoryUsage();
    console.log(`rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

/**
 * The longest gap beyond `everyMs` between ticks while it runs: how long the event loop was
 * held. On a shared machine a gap is also time the OS gave to other processes, so each gap's
 * process CPU time (all threads: the loop, GC helpers, the thread pool) is noted beside it.
 */
function stallProbe(everyMs = 5): { stop(): number } {
  let longest = 0;
  let longestCpu = 0;
  let busiest = 0;
  let over50 = 0;
  let cpuOver50 = 0;
  let ticks = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const load = os.loadavg()[0]!;
  const probe = setInterval(() => {
    const stall = performance.now() - last - everyMs;
    const used = process.cpuUsage(lastCpu);
    const cpu = (used.user + used.system) / 1000 - everyMs;
    if (stall > longest) {
      longest = stall;
      longestCpu = cpu;
    }
    busiest = Math.max(busiest, Math.min(cpu, stall));
    if (stall > 50) over50++;
    if (Math.min(cpu, stall) > 50) cpuOver50++;
    ticks++;
    last = performance.now();
    lastCpu = process.cpuUsage();
  }, everyMs);
  return {
    stop() {
      clearInterval(probe);
      console.log(`stalls over 50 ms: ${over50} of ${ticks} ticks; the longest took ${longestCpu.toFixed(0)} ms of process CPU`);
      console.log(`gaps with over 50 ms of process CPU: ${cpuOver50}; most CPU in one gap ${busiest.toFixed(0)} ms; load average ${load.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)} (${os.cpus().length} CPUs)`);
      return longest;
    },
  };
}

function rowCounts(app: Awaited<ReturnType<typeof startApp>>) {
  return app.store.read((db) => ({
    errors: db.exec('SELECT count(*) FROM errors')[0]!.values[0]![0],
    reports: db.exec('SELECT count(*) FROM reports')[0]!.values[0]![0],
    uids: db.exec('SELECT count(*) FROM report_uids')[0]!.values[0]![0],
  }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

/** The first request after a new report (nothing kept): the trend, a filter on it, an order, a search. */
async function benchAfterReport(browser: { get: (url: string) => Promise<{ status: number }> }, write: () => Promise<unknown>) {
  for (const f of ['sort=trend', 'sort=trend&status=new', 'sort=trend&category=NetworkError', 'sort=last', 'sort=reports&files=1', `q=${encodeURIComponent('лечащ')}`]) {
    const url = `/pult/s/errorsList?${f}`;
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      await write();
      const t = performance.now();
      const res = await browser.get(url);
      samples.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    }
    samples.sort((a, b) => a - b);
    console.log(`${('HTTP after a report ' + decodeURIComponent(f)).padEnd(58)} median ${samples[5]!.toFixed(2).padStart(7)} ms   max ${samples[9]!.toFixed(2).padStart(7)} ms`);
  }
}

/**
 * Issue 13: every order with every filter, and searches, as whole requests (p99 of 20).
 * period=7d matches nothing here (the rows are from January): the walk of a whole index.
 */
async function benchListCombinations(browser: { get: (url: string, headers?: Record<string, string>) => Promise<{ status: number }> }) {
  const filters = [
    '',
    'status=new',
    'owner=petrova',
    'period=7d',
    `config=${encodeURIComponent('Конфигурация3')}`,
    'version=2.0.7.0',
    `status=in-work&owner=petrova&config=${encodeURIComponent('Конфигурация3')}&version=2.0.7.0`,
    'screenshot=1',
    'files=1',
    'crash=1',
    'category=NetworkError',
    'category=ScriptCompileError',
    `crash=1&files=1&category=ExceptionRaisedFromScript&config=${encodeURIComponent('Конфигурация0')}`,
    `screenshot=1&category=NetworkError&status=new&q=${encodeURIComponent('лечащ')}`,
    `files=1&q=${encodeURIComponent('Записать врач')}`,
  ];
  const searches = ['', `q=${encodeURIComponent('лечащ')}`, `q=${encodeURIComponent('Записать врач')}`, 'q=12345', `q=${encodeURIComponent('петрова')}`, 'q=nothingmatches'];
  const worst: [number, string][] = [];
  const cpuWorst: [number, string][] = [];
  for (const sort of ['last', 'first', 'reports', 'computers', 'users', 'trend']) {
    for (const f of [...filters, ...searches.slice(1)]) {
      const url = `/pult/s/errorsList?sort=${sort}${f ? `&${f}` : ''}`;
      const samples: number[] = [];
      // Process CPU beside the wall time, of the first request and per request: on a shared
      // machine the wall time's tail is mostly the wait for a core.
      let firstCpu = 0;
      const all0 = process.cpuUsage();
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const cpu0 = process.cpuUsage();
        const res = await browser.get(url);
        samples.push(performance.now() - t);
        if (i === 0) firstCpu = ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0));
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      }
      const cpu = process.cpuUsage(all0);
      samples.sort((a, b) => a - b);
      worst.push([samples[19]!, url]);
      cpuWorst.push([firstCpu, url]);
      console.log(
        `${('HTTP ' + decodeURIComponent(url.slice('/pult/s/'.length))).padEnd(58)} median ${samples[10]!.toFixed(2).padStart(7)} ms   p99 ${samples[19]!.toFixed(2).padStart(7)} ms   ` +
          `first cpu ${firstCpu.toFixed(1)} ms   cpu ${((cpu.user + cpu.system) / 1000 / 20).toFixed(2)} ms/request`,
      );
    }
  }
  worst.sort((a, b) => b[0] - a[0]);
  console.log('slowest p99:', worst.slice(0, 5).map(([ms, u]) => `${ms.toFixed(1)} ms ${decodeURIComponent(u)}`).join('; '));
  cpuWorst.sort((a, b) => b[0] - a[0]);
  console.log('most CPU in a first request:', cpuWorst.slice(0, 5).map(([ms, u]) => `${ms.toFixed(1)} ms ${decodeURIComponent(u)}`).join('; '), `(load average ${os.loadavg()[0]!.toFixed(1)})`);
}
