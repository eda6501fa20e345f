/**
 * Paired intake benchmark: this checkout and another one registering the same reports in ONE
 * process, in alternating batches, each on a database of its own prefilled by its own code.
 *   npm run bench:pair -- --compare <folder>   [--batches 20] [--per-batch 500] [--reports 100k] [--first compare]
 * The folder is a pult checkout with its node_modules (an older main, say). No HTTP: each
 * report goes through readReport and registerReport as the route calls them, 8 at once, and
 * every batch ends with the deferred index batches caught up and a run of search-index
 * merging (what the plugin's timer does every 5 s), so their work counts too.
 *
 * Why beside `npm run bench`: on a shared virtual machine the speed of a core changes from
 * minute to minute (the same build's CPU per report moved 1.3 → 2.7 ms), and rounds of ten
 * seconds, one build after the other, carry that drift into the ratio. Here the two builds
 * take turns every few hundred reports, the first of each pair alternating, and the ratio is
 * the median of the pairs' ratios of main-thread time (what bounds intake: the event loop).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from './args';
import { mixedReport, reportZip, SETTINGS, xorshift } from './intake-data';
import { prefillWith } from './intake-prefill';

const REPO = path.resolve(__dirname, '..', '..');
const args = parseArgs(process.argv.slice(2));

interface Side {
  name: string;
  dir: string;
  store: { stats(): { journaledBytes: number }; close(): Promise<void> };
  indexes?: { catchUp(): Promise<void>; tick?(): Promise<void>; stop(): Promise<void> };
  send(zip: Buffer): Promise<unknown>;
  activeMs: number;
  /** Of activeMs: the deferred batches and the merging after the reports were registered. */
  catchUpMs: number;
  cpuMs: number;
  reports: number;
  journaled: number;
}

/** One checkout's intake in this process: its own modules, store, zips and settings. */
async function open(checkout: string, errors: number, reports: number): Promise<Side> {
  const req = (p: string) => require(path.join(checkout, p));
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-pair-'));
  const dbDir = path.join(dir, 'db');
  fs.mkdirSync(dbDir);
  prefillWith(checkout, dbDir, errors, reports);
  const store = await req('src/storage/engine').openStore({ dir: dbDir, migrations: req('src/storage/migrations').MIGRATIONS, log: () => {} });
  const settings = req('src/registry/settings-store').SettingsStore.open(dir);
  await settings.update({ ...SETTINGS, retention: { enabled: false, days: 90, keepLatest: 10 } });
  const log = { info() {}, warn() {}, error() {} };
  const deps: Record<string, unknown> = { store, zips: new (req('src/storage/zip-store').ZipStore)(path.join(dir, 'zips')), settings, log };
  // Older checkouts have neither (before the search index, the report was read inside registerReport).
  const optional = (p: string) => (fs.existsSync(path.join(checkout, p + '.ts')) ? req(p) : undefined);
  const DeferredIndexes = optional('src/registry/deferred-indexes')?.DeferredIndexes;
  const indexes = DeferredIndexes ? new DeferredIndexes(store) : undefined;
  // Not started: its timer would fire during the other build's batches (one event loop), and
  // that build would be charged for this one's merging. `batch` does the timer's work instead.
  if (indexes) deps.indexes = indexes;
  const readReport = optional('src/intake/read-report')?.readReport;
  const { registerReport } = req('src/registry/register-report');
  const received = () => ({ ip: '1.2.3.4', receivedAt: new Date() });
  const send = async (zip: Buffer) => registerReport(deps, readReport ? { ...(await readReport(zip, 1 << 20)), ...received() } : { zip, ...received() });
  return { name: checkout === REPO ? 'pult' : `compared (${path.basename(checkout)})`, dir, store, indexes, send, activeMs: 0, catchUpMs: 0, cpuMs: 0, reports: 0, journaled: 0 };
}

/** Registers `zips` 8 at once and waits for the deferred batches; adds the costs when `measure`. */
async function batch(side: Side, zips: Buffer[], measure: boolean): Promise<number> {
  const j0 = side.store.stats().journaledBytes;
  const c0 = process.cpuUsage();
  const e0 = performance.eventLoopUtilization();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < zips.length) await side.send(zips[next++]!);
  }));
  const e1 = performance.eventLoopUtilization();
  // What the plugin's timer does (older checkouts without `tick`: the deferred batches only).
  await (side.indexes?.tick ? side.indexes.tick() : side.indexes?.catchUp());
  const active = performance.eventLoopUtilization(e0).active;
  if (measure) {
    side.catchUpMs += performance.eventLoopUtilization(e1).active;
    const c = process.cpuUsage(c0);
    side.activeMs += active;
    side.cpuMs += (c.user + c.system) / 1000;
    side.reports += zips.length;
    side.journaled += side.store.stats().journaledBytes - j0;
  }
  return active;
}

async function main(): Promise<void> {
  const compare = args.compare ? path.resolve(args.compare) : undefined;
  if (!compare || !fs.existsSync(path.join(compare, 'src', 'registry', 'register-report.ts'))) {
    console.error('--compare <folder>: a pult checkout with its node_modules');
    process.exitCode = 1;
    return;
  }
  const batches = Number(args.batches ?? 20);
  const perBatch = Number(args['per-batch'] ?? 500);
  const reports = /^(\d+)k$/i.test(args.reports ?? '') ? Number(args.reports!.slice(0, -1)) * 1000 : Number(args.reports ?? 100_000);
  const setup = { errors: reports / 10, reports };
  console.log(`${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ${reports.toLocaleString('en')} prefilled reports each; ` +
    `${batches} pairs of batches of ${perBatch} reports, 8 at once`);
  // At 1M reports the side opened first measured 22–27 % slower whichever build it was
  // (02.12.2026; prefilling both before opening either, or warming the other first, did not
  // change it). `--first compare` opens the compared build first: the geometric mean of the
  // two orders' ratios cancels the position.
  const checkouts = [REPO, compare];
  const openOrder = args.first === 'compare' ? [1, 0] : [0, 1];
  const sides: Side[] = [];
  for (const i of openOrder) sides[i] = await open(checkouts[i]!, setup.errors, reports);
  const rand = xorshift();
  let newErrors = 0;
  const make = () => {
    const r = mixedReport(rand, setup, () => newErrors++);
    return reportZip(r.json, r.screenshot);
  };
  const warm = Array.from({ length: 300 }, make);
  for (const i of openOrder) await batch(sides[i]!, warm, false);
  const ratios: number[] = [];
  for (let b = 0; b < batches; b++) {
    const zips = Array.from({ length: perBatch }, make);
    const order = b % 2 === 0 ? [0, 1] : [1, 0];
    const ms: number[] = [];
    for (const i of order) ms[i] = await batch(sides[i]!, zips, true);
    ratios.push(ms[1]! / ms[0]!);
  }
  for (const s of sides) {
    const us = (ms: number) => ((ms * 1000) / s.reports).toFixed(0);
    console.log(`${s.name}: main thread ${us(s.activeMs)} µs per report (${us(s.catchUpMs)} of them the deferred batches and merging), ` +
      `CPU ${us(s.cpuMs)} µs, journal ${(s.journaled / 1024 / s.reports).toFixed(1)} KB`);
  }
  ratios.sort((a, b) => a - b);
  const q = (p: number) => ratios[Math.min(ratios.length - 1, Math.floor(ratios.length * p))]!.toFixed(3);
  console.log(`pult takes ${q(0.5)}× the reports of the compared build for the same main-thread time ` +
    `(median of ${ratios.length} pairs; quartiles ${q(0.25)}–${q(0.75)})`);
  for (const s of sides) {
    await s.indexes?.stop();
    await s.store.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
