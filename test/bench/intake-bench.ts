/**
 * Intake benchmark (issue 3, item 8): pult and a baseline plugin in ONE simulator, driven by
 * the same load from a separate process, over a prefilled database of 100k and of 1M
 * reports.
 *   npm run bench            (node --import tsx test/bench/intake-bench.ts)
 * Options: --sizes 100k,1m  --seconds 10 (per server and round)  --rounds 3  --warmup 4
 *          --concurrency 8  --getinfo-rate 20  --cpu-prof <dir> (profile the pult process)
 *          --node-args "<options>" (extra node options for the pult process)
 *          --compare <folder> (another pult checkout, built, run beside as plugin "before"
 *                              on a copy of the same database: before/after in one run)
 * Needs dist/pult.js (`npm run build`). Prints a table and writes test-artifacts/bench-intake.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../sim/index';
import type { Status } from '../../src/diagnostics/status';
import { BASE_CONFIG, SESSION } from '../sim/helpers';
import { SETTINGS } from './intake-data';
import type { PhaseResult } from './intake-load';
import { prefillCacheKey, prefillDatabase, prefillWith } from './intake-prefill';
import { machine, printSize, printTargets, type Machine, type SizeResult, writeMarkdown } from './intake-report';
import { parseArgs } from './args';

const REPO = path.resolve(__dirname, '..', '..');
const args = parseArgs(process.argv.slice(2));

async function main(): Promise<void> {
  if (args.phase === 'prefill') return prefillPhase();
  if (!fs.existsSync(path.join(REPO, 'dist', 'pult.js'))) {
    console.error('dist/pult.js is missing: run `npm run build` first');
    process.exitCode = 1;
    return;
  }
  const sizes = (args.sizes ?? '100k,1m').split(',').map(parseSize);
  const opts = {
    seconds: Number(args.seconds ?? 10),
    rounds: Number(args.rounds ?? 3),
    warmup: Number(args.warmup ?? 4),
    concurrency: Number(args.concurrency ?? 8),
    getInfoRate: Number(args['getinfo-rate'] ?? 20),
    cpuProf: args['cpu-prof'] ? path.resolve(args['cpu-prof']) : undefined,
    nodeArgs: args['node-args']?.split(' ').filter(Boolean) ?? [],
    compare: args.compare ? path.resolve(args.compare) : undefined,
  };
  if (opts.compare && !fs.existsSync(path.join(opts.compare, 'dist', 'pult.js'))) throw new Error(`--compare ${opts.compare}: no dist/pult.js there`);
  const before = machine();
  console.log(describeMachine(before));
  console.log(
    `load: ${opts.concurrency} concurrent pushReport clients in a separate process, ${opts.warmup} s warm-up per server, then ${opts.rounds} rounds of ` +
      `${opts.seconds} s per server (baseline, pult, alternating); getInfo at ${opts.getInfoRate}/s from another process during pult's rounds (and the compared pult's, the same load)`,
  );
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await runSize(size, opts));
  const after = machine();
  console.log(`\nload average after: ${after.loadavg}`);
  printTargets(results);
  const file = path.join(REPO, 'test-artifacts', 'bench-intake.md');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, writeMarkdown(before, after, opts, results));
  console.log(`\nMarkdown: ${path.relative(process.cwd(), file)}`);
}

interface Size {
  errors: number;
  reports: number;
  label: string;
}

type Opts = {
  seconds: number;
  rounds: number;
  warmup: number;
  concurrency: number;
  getInfoRate: number;
  cpuProf: string | undefined;
  nodeArgs: string[];
  /** Another pult checkout (built) to run beside as plugin "before", on a copy of the same database. */
  compare: string | undefined;
};

async function runSize(size: Size, opts: Opts): Promise<SizeResult> {
  console.log(`\n=== ${size.label}: ${size.reports.toLocaleString('en')} reports, ${size.errors.toLocaleString('en')} errors`);
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-intake-'));
  const children: ChildProcess[] = [];
  let sim: Simulator | undefined;
  try {
    const storage = path.join(dir, 'storage', 'pult');
    const prefill = await prefilledDatabase(size, path.join(storage, 'db'));
    console.log(`prefilled pult.sqlite ${mb(prefill.bytes)} MB (${prefill.how}); the zips of prefilled rows are not on disk (intake never reads them)`);
    // Retention off: the prefilled reports span ten months, and a pass deleting most of them
    // during the load would measure retention, not intake (an older pult has none).
    await writeFile(path.join(storage, 'settings.json'), JSON.stringify({ ...SETTINGS, retention: { enabled: false, days: 90, keepLatest: 10 } }));
    if (opts.compare) {
      const other = path.join(dir, 'storage', 'before');
      await mkdir(path.join(other, 'db'), { recursive: true });
      // The compared checkout fills its own database: a copy of ours would have a schema it
      // may not know (an older pult refuses a newer database). Same sizes, same generator.
      const t = performance.now();
      prefillWith(opts.compare, path.join(other, 'db'), size.errors, size.reports);
      console.log(`prefilled the compared checkout's database with its own code in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      await writeFile(path.join(other, 'settings.json'), JSON.stringify(SETTINGS));
    }
    await mkdir(path.join(dir, 'plugins'), { recursive: true });
    await linkPult(path.join(dir, 'plugins', 'pult'), opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`, ...opts.nodeArgs] : opts.nodeArgs);
    await symlink(path.join(REPO, 'test', 'fixtures', 'plugins', 'baseline'), path.join(dir, 'plugins', 'baseline'), 'dir');
    if (opts.compare) await symlink(opts.compare, path.join(dir, 'plugins', 'before'), 'dir');

    const lines: string[] = [];
    const t0 = performance.now();
    sim = await startSimulator({
      config: { ...BASE_CONFIG, initTimeoutMs: 60_000, shutdownTimeoutMs: 60_000 },
      configDir: dir,
      events: new EventEmitter(),
      log: (line) => {
        if (!/pushReport: /.test(line)) lines.push(line);
        if (process.env.SIM_LOG) process.stderr.write(line + '\n');
      },
    });
    const simStartMs = performance.now() - t0;
    const pult = sim.plugins.get('pult')!;
    if (pult.status !== 'running') throw new Error(`pult did not start:\n${lines.join('\n')}`);
    const pultPid = pult.pid!;
    const basePid = sim.plugins.get('baseline')!.pid!;
    const base = `${sim.url}/pult`;
    const atStart = await status(base);
    const rssAtStart = procMemory(pultPid);
    const beforePid = opts.compare ? sim.plugins.get('before')?.pid : undefined;
    const beforeAtStart = beforePid ? procMemory(beforePid) : undefined;
    console.log(`pult ready ${atStart.startup.readyMs} ms after its process started (database open ${atStart.startup.dbOpenMs} ms); RSS ${mb(rssAtStart.rss)} MB`);

    const load = forkLoad(size, children);
    const getInfo = forkLoad(size, children);
    const push = (target: string, seconds: number, source: 'fresh' | 'replay' | 'reuse') =>
      load.call<PhaseResult>({ cmd: 'push', url: `${sim!.url}/${target}/pushReport`, concurrency: opts.concurrency, seconds, source });
    if (opts.compare && sim.plugins.get('before')?.status !== 'running') throw new Error(`the compared pult did not start:\n${lines.join('\n')}`);

    const askInfo = (seconds: number, target = 'pult') =>
      getInfo.call<PhaseResult>({ cmd: 'getinfo', url: `${sim!.url}/${target}/getInfo`, rate: opts.getInfoRate, seconds });
    await load.call({ cmd: 'prepare', count: 4000 });
    await push('baseline', opts.warmup, 'reuse');
    const warm = await push('pult', opts.warmup, 'fresh');
    if (opts.compare) check('before, warm-up', await push('before', opts.warmup, 'replay'));
    check('pult warm-up', warm);
    // getInfo alone, once the start-up's and the warm-up's leftovers (checkpoint, GC) are done.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleInfo = await askInfo(3);
    check('getInfo, idle', idleInfo);
    // Enough fresh bodies for every pult round at twice the warm-up rate.
    await load.call({ cmd: 'prepare', count: Math.ceil(warm.perSecond * 2 * opts.seconds * opts.rounds) });

    const rounds: SizeResult['rounds'] = [];
    const pultCpuMs: number[] = [];
    const beforeCpuMs: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const cpuB = cpuMark([basePid]);
      const [baseline, infoBeside] = await Promise.all([push('baseline', opts.seconds, 'reuse'), askInfo(opts.seconds - 0.5)]);
      const baselineCpu = cpuMark([basePid], cpuB);
      check('baseline', baseline);
      check('getInfo beside the baseline', infoBeside);

      const s0 = await status(base);
      await resetStatus(base);
      const cpuP = cpuMark([pultPid]);
      const [pushed, info] = await Promise.all([push('pult', opts.seconds, 'fresh'), askInfo(opts.seconds - 0.5)]);
      const pultCpu = cpuMark([pultPid], cpuP);
      check('pult', pushed);
      check('getInfo', info);
      const s1 = await status(base);
      rounds.push({
        baseline,
        baselineCpu,
        pult: pushed,
        pultCpu,
        getInfo: info,
        getInfoBeside: infoBeside,
        maxStallMs: s1.eventLoop.sinceReset.maxMs,
        loopP99Ms: s1.eventLoop.sinceReset.p99Ms,
        loopBusy: s1.eventLoop.sinceReset.utilization,
        server: { pushReport: s1.requests.sinceReset.pushReport!, getInfo: s1.requests.sinceReset.getInfo! },
        checkpoints: s1.storage.checkpoints - s0.storage.checkpoints,
        commitsPerFlush: (s1.storage.commits - s0.storage.commits) / Math.max(1, s1.storage.flushes - s0.storage.flushes),
        stored: { reports: s1.totals.reports - s0.totals.reports, errors: s1.totals.errors - s0.totals.errors },
      });
      // CPU seconds per report: on a shared machine the throughput is mostly the wait for a
      // core, the CPU a report costs is not (the load-robust comparison of two builds).
      const cpuPerReport = (cpu: { plugin: number }, phase: PhaseResult) => (cpu.plugin * phase.seconds) / Math.max(1, phase.requests);
      const pultMs = cpuPerReport(pultCpu, pushed) * 1000;
      pultCpuMs.push(pultMs);
      let beforeText = '';
      if (opts.compare) {
        const cpuE = cpuMark([beforePid!]);
        // The same getInfo load as pult's rounds: both builds answer it while they take reports.
        const [earlier, beforeInfo] = await Promise.all([push('before', opts.seconds, 'replay'), askInfo(opts.seconds - 0.5, 'before')]);
        check('getInfo of the compared pult', beforeInfo);
        const beforeMs = cpuPerReport(cpuMark([beforePid!], cpuE), earlier) * 1000;
        beforeCpuMs.push(beforeMs);
        check('before', earlier);
        rounds[r]!.before = earlier;
        beforeText = `, before ${earlier.perSecond.toFixed(0)}/s; CPU per report: pult ${pultMs.toFixed(2)} ms, before ${beforeMs.toFixed(2)} ms (${(beforeMs / pultMs).toFixed(2)}x)`;
      }
      console.log(
        `round ${r + 1}: baseline ${baseline.perSecond.toFixed(0)}/s, pult ${pushed.perSecond.toFixed(0)}/s ` +
          `(${(pushed.perSecond / baseline.perSecond).toFixed(2)}x)${beforeText}, getInfo p99 ${info.p99Ms.toFixed(1)} ms, longest stall ${rounds[r]!.maxStallMs} ms`,
      );
    }
    if (opts.compare) {
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const p = median(pultCpuMs);
      const b = median(beforeCpuMs);
      console.log(`CPU per report (median of rounds): pult ${p.toFixed(2)} ms, before ${b.toFixed(2)} ms — at equal CPU pult takes ${(b / p).toFixed(2)}x the reports of before`);
    }
    const atEnd = await status(base);
    const rssAtEnd = procMemory(pultPid);
    const beforeRss = beforePid && beforeAtStart ? { atStart: beforeAtStart, atEnd: procMemory(beforePid) } : undefined;
    const t1 = performance.now();
    await sim.stop();
    const stopMs = performance.now() - t1;
    sim = undefined;
    const result: SizeResult = {
      label: size.label,
      errors: size.errors,
      reports: size.reports,
      dbBytes: prefill.bytes,
      simStartMs,
      startup: atStart.startup,
      rssAtStart,
      rssAtEnd,
      beforeRss,
      stopMs,
      idleInfo,
      eventLoopMaxSinceStart: atEnd.eventLoop.sinceStart.maxMs,
      rounds,
    };
    printSize(result);
    return result;
  } finally {
    await sim?.stop().catch(() => undefined);
    for (const c of children) c.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Refuses to report figures of a run where requests failed. */
function check(what: string, r: PhaseResult): void {
  if (r.failures > 0) throw new Error(`${what}: ${r.failures} of ${r.requests} requests failed, first: ${r.firstFailure}`);
}

/**
 * pult in developer mode: the repository itself, or (to give its process node options:
 * --cpu-prof, --node-args) a folder of links to it whose package.json adds "process.args".
 */
async function linkPult(target: string, nodeArgs: string[]): Promise<void> {
  if (nodeArgs.length === 0) return symlink(REPO, target, 'dir');
  await mkdir(target, { recursive: true });
  for (const name of ['dist', 'templates', 'node_modules']) await symlink(path.join(REPO, name), path.join(target, name), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  pkg.process = { ...pkg.process, args: [...(pkg.process?.args ?? []), ...nodeArgs] };
  await writeFile(path.join(target, 'package.json'), JSON.stringify(pkg, null, 2));
}

/** The prefilled database, built in a child process once and kept in the temp folder by a key of its sources. */
async function prefilledDatabase(size: Size, dbDir: string): Promise<{ bytes: number; how: string }> {
  const cacheDir = path.join(os.tmpdir(), 'pult-intake-prefill');
  const prefix = `${size.reports}-`;
  const cached = path.join(cacheDir, `${prefix}${prefillCacheKey(size.errors, size.reports)}.sqlite`);
  await mkdir(dbDir, { recursive: true });
  let how = 'from the cache of an earlier run';
  if (!fs.existsSync(cached)) {
    await mkdir(cacheDir, { recursive: true });
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--phase', 'prefill', '--errors', String(size.errors), '--reports', String(size.reports), '--out', cacheDir], {
        execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
        stdio: 'inherit',
      });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prefill exited with ${code}`))));
    });
    fs.renameSync(path.join(cacheDir, 'pult.sqlite'), cached);
    // Databases of this size built from older sources are of no use any more.
    for (const f of fs.readdirSync(cacheDir)) if (f.startsWith(prefix) && path.join(cacheDir, f) !== cached) fs.rmSync(path.join(cacheDir, f));
    how = `built in ${((performance.now() - t) / 1000).toFixed(0)} s, sql.js release build, not measured`;
  }
  fs.copyFileSync(cached, path.join(dbDir, 'pult.sqlite'));
  return { bytes: fs.statSync(cached).size, how };
}

async function prefillPhase(): Promise<void> {
  await prefillDatabase(args.out!, Number(args.errors), Number(args.reports));
}

function forkLoad(size: Size, children: ChildProcess[]) {
  const child = fork(path.join(__dirname, 'intake-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, INTAKE_LOAD_SETUP: JSON.stringify({ errors: size.errors, reports: size.reports }) },
    stdio: 'inherit',
  });
  children.push(child);
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.result);
    else w?.reject(new Error(m.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`load generator exited with ${code}`));
  });
  return {
    call<T = unknown>(message: Record<string, unknown>): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...message, id });
      });
    },
  };
}

/** pult's own figures from s/status, as a reader (a session of the simulator's BASE_CONFIG). */
async function status(base: string): Promise<Status> {
  const res = await fetch(`${base}/s/status`, { headers: { accept: 'application/json', cookie: `Kodeks=${SESSION.reader}` } });
  if (res.status !== 200) throw new Error(`s/status: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Status;
}

/**
 * Restarts pult's "since reset" figures, as an administrator does on s/status (the form
 * with its CSRF token), so that the stall and request times cover exactly one round.
 */
async function resetStatus(base: string): Promise<void> {
  const admin = `Kodeks=${SESSION.admin}`;
  const page = await fetch(`${base}/s/status`, { headers: { cookie: admin, accept: 'text/html' } });
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('s/status shows an administrator no reset form');
  const res = await fetch(`${base}/s/status/reset`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `${admin}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`s/status/reset: HTTP ${res.status} ${await res.text()}`);
}

/** VmRSS and VmHWM of a process from /proc (bytes). */
function procMemory(pid: number): { rss: number; peak: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** CPU seconds of processes (utime+stime from /proc) and of this one (the simulator); with `since`, shares of one core. */
function cpuMark(pids: number[], since?: CpuMark): CpuMark & { plugin: number; simulator: number } {
  const tick = 100; // USER_HZ on Linux
  const plugin = pids.reduce((s, pid) => {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return s + (Number(f[11]) + Number(f[12])) / tick;
  }, 0);
  const u = process.cpuUsage();
  const mark = { at: performance.now(), pluginSeconds: plugin, simulatorSeconds: (u.user + u.system) / 1e6 };
  if (!since) return { ...mark, plugin: 0, simulator: 0 };
  const wall = (mark.at - since.at) / 1000;
  return { ...mark, plugin: (plugin - since.pluginSeconds) / wall, simulator: (mark.simulatorSeconds - since.simulatorSeconds) / wall };
}

type CpuMark = { at: number; pluginSeconds: number; simulatorSeconds: number };

function describeMachine(m: Machine): string {
  return `machine: ${m.cpus} CPU (${m.model}), ${m.ramGB} GB RAM, ${m.os}, Node ${m.node}; load average before: ${m.loadavg}`;
}

function parseSize(s: string): Size {
  const reports = s.toLowerCase().endsWith('m') ? Number(s.slice(0, -1)) * 1e6 : s.toLowerCase().endsWith('k') ? Number(s.slice(0, -1)) * 1e3 : Number(s);
  return { reports, errors: Math.max(2, Math.round(reports / 10)), label: s.toLowerCase().replace('m', 'M') };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);


main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
