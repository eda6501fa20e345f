/**
 * Storage engine benchmark.
 *   node --import tsx test/bench/storage-bench.ts [--rows N] [--writes W] [--build-rows B] [--compare <checkout>]
 * Without --rows it runs 100k and 1M rows. Each phase runs in its own child process.
 * --compare runs the same phases with another checkout's engine right after, on a database
 * of the same size, and prints both side by side (ratios are of this run only).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildCost, measure, prefill, recoverPhase } from './bench-phases';
import { parseArgs } from './args';

const args = parseArgs(process.argv.slice(2));

async function main(): Promise<void> {
  const phase = args.phase;
  if (phase) {
    const result =
      phase === 'prefill'
        ? await prefill(args.dir!, Number(args.rows))
        : phase === 'measure'
          ? await measure(args.dir!, Number(args.rows), Number(args.writes))
          : phase === 'recover'
            ? await recoverPhase(args.dir!)
            : await buildCost(args.build as 'debug' | 'release', Number(args.rows));
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    return;
  }
  const sizes = args.rows ? [Number(args.rows)] : [100_000, 1_000_000];
  const writes = Number(args.writes ?? 3000);
  printMachine();
  for (const rows of sizes) {
    const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-bench-'));
    try {
      const pre = child({ phase: 'prefill', dir, rows: String(rows) });
      const m = child({ phase: 'measure', dir, rows: String(rows), writes: String(writes) });
      const rec = child({ phase: 'recover', dir });
      printSize(rows, writes, pre, m, rec);
      if (args.compare) {
        const other = path.join(dir, 'before');
        await mkdir(other);
        child({ phase: 'prefill', dir: other, rows: String(rows) }, args.compare);
        const mb = child({ phase: 'measure', dir: other, rows: String(rows), writes: String(writes) }, args.compare);
        const rb = child({ phase: 'recover', dir: other }, args.compare);
        printCompare(m, rec, mb, rb);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const buildRows = args['build-rows'] ?? '200000';
  const debug = child({ phase: 'build-cost', build: 'debug', rows: buildRows });
  const release = child({ phase: 'build-cost', build: 'release', rows: buildRows });
  console.log(`\nsql.js debug vs release build (in memory, ${buildRows} inserts in one transaction; ${Number(buildRows) / 10} single-row transactions)`);
  table(
    ['', 'bulk insert ms', 'per txn µs', 'LIKE scan ms'],
    [
      ['release', f(release.bulkMs), f(release.singleTxnUs), f(release.scanMs)],
      ['debug', f(debug.bulkMs), f(debug.singleTxnUs), f(debug.scanMs)],
      ['debug/release', r(debug.bulkMs, release.bulkMs), r(debug.singleTxnUs, release.singleTxnUs), r(debug.scanMs, release.scanMs)],
    ],
  );
}

type Json = Record<string, any>;

/** Runs one phase in a fresh process, with this checkout's engine or `checkout`'s. */
function child(a: Record<string, string>, checkout?: string): Json {
  const script = checkout ? path.join(path.resolve(checkout), 'test', 'bench', 'storage-bench.ts') : __filename;
  const argv = ['--import', 'tsx', script, ...Object.entries(a).flatMap(([k, v]) => [`--${k}`, v])];
  const out = execFileSync(process.execPath, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: checkout ? path.resolve(checkout) : process.cwd(),
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`phase ${a.phase} printed no result:\n${out}`);
  return JSON.parse(line.slice(7)) as Json;
}

function printSize(rows: number, writes: number, pre: Json, m: Json, rec: Json): void {
  console.log(`\n=== ${rows.toLocaleString('en')} rows: pult.sqlite ${f(pre.dbBytes / 2 ** 20)} MB (prefill ${f(pre.prefillMs / 1000)} s, not measured)`);
  console.log(`open ${f(m.openMs)} ms, RSS after open ${f(m.rssAfterOpenMB)} MB, peak RSS ${f(m.maxRssMB)} MB`);
  console.log(`first 200 writes after open: max stall ${f(m.firstWrites.maxStallMs)} ms, p99 ${f(m.firstWrites.p99Ms)} ms`);
  console.log(`${writes} writes per row below, each = insert 1 row + update 1 random row`);
  table(
    ['', 'ops/s', 'p50 ms', 'p99 ms', 'max stall ms', 'fsyncs', 'commits/fsync', 'journal KB/write', 'checkpoints', 'vs baseline'],
    [1, 32].map((c) => {
      const s = m[`c${c}`];
      const b = m[`baseline_c${c}`];
      return [`pult c=${c}`, f(s.opsPerSec), f(s.p50Ms), f(s.p99Ms), f(s.maxStallMs), String(s.flushes), f(s.groupSize), f(s.journalKBPerWrite), String(s.checkpointsDuring), r(s.opsPerSec, b.opsPerSec)];
    }).concat([1, 32].map((c) => {
      const b = m[`baseline_c${c}`];
      return [`append+fdatasync c=${c}`, f(b.opsPerSec), f(b.p50Ms), f(b.p99Ms), '', '', '', '', '', ''];
    })),
  );
  console.log(`checkpoint of ${f(m.checkpoint.journalMB)} MB journal: ${f(m.checkpoint.ms)} ms, max stall ${f(m.checkpoint.maxStallMs)} ms`);
  console.log(
    `open after a crash with ${f(m.leftJournalMB)} MB journal (fresh process): ${f(rec.openMs)} ms, RSS ${f(rec.rssMB)} MB; ` +
      `close with checkpoint ${f(rec.closeMs)} ms, peak RSS ${f(rec.maxRssMB)} MB`,
  );
}

function printCompare(m: Json, rec: Json, mb: Json, rb: Json): void {
  console.log(`beside ${args.compare} (same size, its own engine, run right after):`);
  const row = (label: string, a: number, b: number): string[] => [label, f(a), f(b), r(a, b)];
  table(
    ['', 'this', 'before', 'this/before'],
    [
      row('open ms', m.openMs, mb.openMs),
      row('RSS after open MB', m.rssAfterOpenMB, mb.rssAfterOpenMB),
      row('peak RSS MB', m.maxRssMB, mb.maxRssMB),
      row('writes/s c=1', m.c1.opsPerSec, mb.c1.opsPerSec),
      row('writes/s c=32', m.c32.opsPerSec, mb.c32.opsPerSec),
      row('checkpoint ms', m.checkpoint.ms, mb.checkpoint.ms),
      row('open after crash ms', rec.openMs, rb.openMs),
      row('RSS after crash open MB', rec.rssMB, rb.rssMB),
    ],
  );
}

function printMachine(): void {
  const cpu = os.cpus()[0]?.model ?? '?';
  console.log(`machine: ${os.cpus().length} CPU (${cpu}), ${f(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, tmp ${process.env.BENCH_DIR ?? os.tmpdir()}`);
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

function f(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function r(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}


main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
