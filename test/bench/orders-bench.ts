/**
 * The list orders in memory (registry/list-orders.ts) at scale, alone:
 *   npm run bench:orders -- [--reports 1000000] [--dirty 3500]
 * Opens the intake bench's prefilled database (reports / 10 problems), builds the orders as
 * the first catch-up does (timed, with the memory it takes), then, 12 rounds (the first two
 * not counted): moves `dirty` random problems' counters as intake would and refreshes the
 * orders. Prints the loop's time per moved problem and the journal of the refresh (none:
 * the orders are not in the file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ListOrders } from '../../src/registry/list-orders';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { get, run } from '../../src/storage/sql';
import { parseArgs } from './args';
import { xorshift } from './intake-data';
import { prefillWith } from './intake-prefill';

const args = parseArgs(process.argv.slice(2));
const reports = Number(args.reports ?? 1_000_000);
const dirty = Number(args.dirty ?? 3500);
const ROUNDS = 12;
const WARM = 2;
/** What DeferredIndexes reads per step of the build. */
const BUILD_STEP = 10_000;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-orders-'));
  try {
    prefillWith(path.resolve(__dirname, '..', '..'), dir, reports / 10, reports);
    const store = await openStore({ dir, migrations: MIGRATIONS, log: () => {} });
    const problems = store.read((db) => get<{ n: number }>(db, 'SELECT MAX(id) AS n FROM problems')!.n);
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const orders = new ListOrders();
    const b0 = performance.now();
    let longest = 0;
    store.read((db) => orders.watch(db));
    let from: number | undefined = 0;
    while (from !== undefined) {
      const s = performance.now();
      const at: number = from;
      from = store.read((db) => orders.buildPart(db, at, BUILD_STEP));
      longest = Math.max(longest, performance.now() - s);
    }
    const s = performance.now();
    orders.finishBuild();
    longest = Math.max(longest, performance.now() - s);
    const buildMs = performance.now() - b0;
    global.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    const rand = xorshift();
    const us: number[] = [];
    const kb: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = [...new Set(Array.from({ length: dirty }, () => 1 + rand(problems)))];
      // What intake does between two refreshes: the counters move (the triggers note them).
      const when = new Date(Date.now() + round * 1000).toISOString();
      await store.write((db) =>
        run(db, 'UPDATE problems SET reports_total = reports_total + 1, computers = computers + 1, last_seen = ? WHERE id IN (SELECT value FROM json_each(?))', [when, JSON.stringify(ids)]),
      );
      const j0 = store.stats().journaledBytes;
      const t0 = performance.now();
      store.read((db) => orders.refresh(db));
      if (round < WARM) continue;
      us.push(((performance.now() - t0) * 1000) / ids.length);
      kb.push((store.stats().journaledBytes - j0) / ids.length / 1024);
    }
    await store.close();
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    console.log(`${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ${problems.toLocaleString('en')} problems, ${dirty} moved per round`);
    console.log(`build: ${buildMs.toFixed(0)} ms (longest step ${longest.toFixed(1)} ms), heap ${global.gc ? `${heapMb.toFixed(1)} MB` : '(run with --expose-gc)'}`);
    console.log(`refresh: ${median(us).toFixed(2)} µs of the loop per moved problem (${Math.min(...us).toFixed(2)}–${Math.max(...us).toFixed(2)}), ` +
      `journal ${median(kb).toFixed(2)} KB per problem (median of ${us.length} rounds)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
