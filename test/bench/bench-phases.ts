/**
 * The benchmark phases, each run in a fresh child process so that open time and RSS are
 * not distorted by earlier phases.
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Database } from 'sql.js';
import { openStore, type Store } from '../../src/storage/engine';
import { abandonStore } from '../../src/storage/engine/testing';
import { INSERT_SQL, rand, REPORTS_DDL, reportRow, UPDATE_SQL } from './bench-schema';

export const migrations = [{ version: 1, up: (db: Database) => REPORTS_DDL.forEach((sql) => db.run(sql)) }];

/** Builds pult.sqlite directly with the release build: fast, and not what we measure. */
export async function prefill(dir: string, rows: number): Promise<Record<string, number>> {
  const started = performance.now();
  const SQL = await (require('sql.js') as typeof import('sql.js'))();
  const db = new SQL.Database();
  for (const sql of REPORTS_DDL) db.run(sql);
  db.run('PRAGMA user_version = 1');
  const insert = db.prepare(INSERT_SQL);
  db.run('BEGIN');
  for (let id = 1; id <= rows; id++) insert.run(reportRow(id));
  db.run('COMMIT');
  insert.free();
  const bytes = db.export();
  db.close();
  await writeFile(path.join(dir, 'pult.sqlite'), bytes);
  return { prefillMs: performance.now() - started, dbBytes: bytes.length };
}

const loop = monitorEventLoopDelay({ resolution: 10 });

/** Runs `fn` with the event-loop delay histogram on; returns its max stall in ms. */
async function stalls<T>(fn: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  loop.reset();
  loop.enable();
  // Let the histogram's timer start ticking, or a stall right away goes unseen.
  await new Promise((resolve) => setTimeout(resolve, 25));
  const value = await fn();
  loop.disable();
  return { value, maxStallMs: loop.max / 1e6 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** `total` operations spread over `concurrency` loops; latency of each, throughput of all. */
async function drive(total: number, concurrency: number, op: () => Promise<unknown>) {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        await op();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { opsPerSec: total / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export async function measure(dir: string, rows: number, writes: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const t = performance.now();
  const store: Store = await openStore({ dir, migrations });
  out.openMs = performance.now() - t;
  out.rssAfterOpenMB = process.memoryUsage().rss / 2 ** 20;

  let nextId = rows + 1;
  const writeOne = () =>
    store.write(() => {
      store.prepare(INSERT_SQL).run(reportRow(nextId++));
      store.prepare(UPDATE_SQL).run([rand(4), Date.now(), 1 + rand(rows)]);
    });
  // The first writes after open are where a file-growth copy would show (MEMFS did ~1 s at 1M rows).
  const warm = await stalls(() => drive(200, 1, writeOne));
  out.firstWrites = { maxStallMs: warm.maxStallMs, p99Ms: warm.value.p99Ms };

  for (const c of [1, 32]) {
    const before = store.stats();
    const { value, maxStallMs } = await stalls(() => drive(writes, c, writeOne));
    const after = store.stats();
    const flushes = after.flushes - before.flushes;
    out[`c${c}`] = {
      ...value,
      maxStallMs,
      flushes,
      groupSize: (after.commits - before.commits) / Math.max(1, flushes),
      checkpointsDuring: after.checkpoints - before.checkpoints,
      journalKBPerWrite: (after.journaledBytes - before.journaledBytes) / 1024 / writes,
    };
  }

  // A checkpoint of a generation near its full size (64 MiB is the rotation threshold).
  while (store.stats().journalBytes < 40 * 2 ** 20) await drive(500, 32, writeOne);
  const journalBefore = store.stats().journalBytes;
  const cp = await stalls(async () => {
    const started = performance.now();
    await store.checkpoint();
    return performance.now() - started;
  });
  out.checkpoint = { ms: cp.value, maxStallMs: cp.maxStallMs, journalMB: journalBefore / 2 ** 20 };

  for (const c of [1, 32]) out[`baseline_c${c}`] = await baseline(dir, writes, c);

  // Leave a journal behind as a crash would; the recovery open is timed in a fresh process.
  await drive(1000, 32, writeOne);
  out.leftJournalMB = store.stats().journalBytes / 2 ** 20;
  out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  await abandonStore(store);
  return out;
}

/** Open after a crash: replays the journal left by measure(), then closes with a checkpoint. */
export async function recoverPhase(dir: string): Promise<Record<string, number>> {
  let t = performance.now();
  const store = await openStore({ dir, migrations });
  const openMs = performance.now() - t;
  const rssMB = process.memoryUsage().rss / 2 ** 20;
  t = performance.now();
  await store.close();
  return { openMs, rssMB, closeMs: performance.now() - t, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** The floor: append a line to a file and fdatasync it, at the same concurrency. */
async function baseline(dir: string, total: number, concurrency: number) {
  const fh = await open(path.join(dir, 'baseline.log'), 'a');
  try {
    let n = 0;
    return await drive(total, concurrency, async () => {
      await fh.write(`line ${n++} ${'x'.repeat(200)}\n`);
      await fh.datasync();
    });
  } finally {
    await fh.close();
  }
}

/** Cost of the debug build (named WASM imports) against the release build, in memory. */
export async function buildCost(build: 'debug' | 'release', rows: number): Promise<Record<string, number>> {
  const init = require(`sql.js/dist/${build === 'debug' ? 'sql-wasm-debug.js' : 'sql-wasm.js'}`) as typeof import('sql.js');
  const SQL = await init();
  const db = new SQL.Database();
  // The same settings the engine uses, so the difference is the build alone.
  db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA locking_mode = EXCLUSIVE');
  for (const sql of REPORTS_DDL) db.run(sql);
  const insert = db.prepare(INSERT_SQL);
  let t = performance.now();
  db.run('BEGIN');
  for (let id = 1; id <= rows; id++) insert.run(reportRow(id));
  db.run('COMMIT');
  const bulkMs = performance.now() - t;
  const single = Math.floor(rows / 10);
  t = performance.now();
  for (let id = rows + 1; id <= rows + single; id++) {
    db.run('BEGIN');
    insert.run(reportRow(id));
    db.run('COMMIT');
  }
  const txnMs = performance.now() - t;
  t = performance.now();
  db.exec("SELECT count(*) FROM reports WHERE error_text LIKE '%Форма%'");
  const scanMs = performance.now() - t;
  return { bulkMs, singleTxnUs: (txnMs * 1000) / single, scanMs };
}
