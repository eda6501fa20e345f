/**
 * The list orders' refresh (registry/deferred-indexes.ts) at scale, alone:
 *   npm run bench:orders -- [--reports 1000000] [--dirty 3500] [--per-batch 250] [--cache-kib 2048]
 * Opens the intake bench's prefilled database (reports / 10 problems), makes `dirty` random
 * problems' counters run ahead of their orders, and refreshes them in transactions of
 * `per-batch` as the plugin does — in id order, and in the order they came, by turns (12
 * rounds, the first two not counted). Prints the loop's time and the journal per problem.
 * `--cache-kib` sets SQLite's page cache instead of the store's own (2048 is SQLite's default).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { syncSortKeys } from '../../src/storage/problems-repo';
import { get, run } from '../../src/storage/sql';
import { parseArgs } from './args';
import { xorshift } from './intake-data';
import { prefillWith } from './intake-prefill';

const args = parseArgs(process.argv.slice(2));
const reports = Number(args.reports ?? 1_000_000);
const dirty = Number(args.dirty ?? 3500);
const perBatch = Number(args['per-batch'] ?? 250);
const ROUNDS = 12;
const WARM = 2;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-orders-'));
  try {
    prefillWith(path.resolve(__dirname, '..', '..'), dir, reports / 10, reports);
    const store = await openStore({ dir, migrations: MIGRATIONS, log: () => {} });
    if (args['cache-kib']) await store.write((db) => db.run(`PRAGMA cache_size = -${Number(args['cache-kib'])}`));
    const problems = store.read((db) => get<{ n: number }>(db, 'SELECT MAX(id) AS n FROM problems')!.n);
    const rand = xorshift();
    const perProblem: Record<'sorted' | 'arrival', { us: number[]; kb: number[] }> = { sorted: { us: [], kb: [] }, arrival: { us: [], kb: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const order of round % 2 ? (['sorted', 'arrival'] as const) : (['arrival', 'sorted'] as const)) {
        const ids = [...new Set(Array.from({ length: dirty }, () => 1 + rand(problems)))];
        // What intake does between two refreshes: the counters move, the orders stay.
        const at = new Date(Date.now() + round * 1000).toISOString();
        await store.write((db) =>
          run(db, 'UPDATE problems SET reports_total = reports_total + 1, computers = computers + 1, last_seen = ? WHERE id IN (SELECT value FROM json_each(?))', [at, JSON.stringify(ids)]),
        );
        if (order === 'sorted') ids.sort((a, b) => a - b);
        const j0 = store.stats().journaledBytes;
        const e0 = performance.eventLoopUtilization();
        for (let i = 0; i < ids.length; i += perBatch) {
          const part = ids.slice(i, i + perBatch);
          await store.write((db) => syncSortKeys(db, part));
        }
        if (round < WARM) continue;
        perProblem[order].us.push((performance.eventLoopUtilization(e0).active * 1000) / ids.length);
        perProblem[order].kb.push((store.stats().journaledBytes - j0) / ids.length / 1024);
      }
    }
    await store.close();
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    console.log(`${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ${problems.toLocaleString('en')} problems, ` +
      `${dirty} refreshed per round in batches of ${perBatch}, SQLite cache ${args['cache-kib'] ? `${args['cache-kib']} KiB` : 'the store’s'}`);
    for (const order of ['sorted', 'arrival'] as const) {
      const r = perProblem[order];
      console.log(`${order === 'sorted' ? 'in id order   ' : 'as they came  '}: ${median(r.us).toFixed(1)} µs of the loop per problem ` +
        `(${Math.min(...r.us).toFixed(1)}–${Math.max(...r.us).toFixed(1)}), journal ${median(r.kb).toFixed(2)} KB per problem (median of ${r.us.length} rounds)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
