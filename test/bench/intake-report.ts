/** The intake benchmark's figures: the machine, a table per size, the targets, Markdown for the README. */
import fs from 'node:fs';
import os from 'node:os';
import type { RequestFigures } from '../../src/diagnostics/request-times';
import type { StartupFigures } from '../../src/diagnostics/status';
import type { PhaseResult } from './intake-load';

export interface Machine {
  cpus: number;
  model: string;
  ramGB: string;
  os: string;
  node: string;
  loadavg: string;
  disk: string;
}

export function machine(): Machine {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    cpus: os.availableParallelism(),
    model: model.trim(),
    ramGB: (os.totalmem() / 2 ** 30).toFixed(0),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    disk: process.env.BENCH_DIR ?? os.tmpdir(),
  };
}

type Cpu = { plugin: number; simulator: number };

export interface SizeResult {
  label: string;
  errors: number;
  reports: number;
  dbBytes: number;
  simStartMs: number;
  startup: StartupFigures;
  rssAtStart: { rss: number; peak: number };
  rssAtEnd: { rss: number; peak: number };
  /** The compared checkout's process (--compare), measured at the same moments. */
  beforeRss?: { atStart: { rss: number; peak: number }; atEnd: { rss: number; peak: number } };
  stopMs: number;
  /** getInfo with nothing else running: the simulator's hop alone. */
  idleInfo: PhaseResult;
  eventLoopMaxSinceStart: number;
  rounds: {
    baseline: PhaseResult;
    baselineCpu: Cpu;
    /** The compared checkout (--compare), same load after pult's. */
    before?: PhaseResult;
    pult: PhaseResult;
    pultCpu: Cpu;
    getInfo: PhaseResult;
    /** getInfo to the idle pult while the baseline takes the load: what the busy machine alone costs. */
    getInfoBeside: PhaseResult;
    maxStallMs: number;
    loopP99Ms: number;
    /** Share of the round pult's event loop was running code. */
    loopBusy: number;
    /** pult's own times of the round (s/status), without the simulator's hop. */
    server: { pushReport: RequestFigures; getInfo: RequestFigures };
    checkpoints: number;
    commitsPerFlush: number;
    stored: { reports: number; errors: number };
  }[];
}

/** The rounds together: throughput over all of them, the worst round's percentiles. */
export function summary(s: SizeResult) {
  const sum = (pick: (r: SizeResult['rounds'][number]) => PhaseResult) => {
    const rs = s.rounds.map(pick);
    const requests = rs.reduce((n, r) => n + r.requests, 0);
    const seconds = rs.reduce((n, r) => n + r.seconds, 0);
    return {
      perSecond: requests / seconds,
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: Math.max(...rs.map((r) => r.p99Ms)),
      clientCpu: rs.reduce((n, r) => n + r.clientCpu * r.seconds, 0) / seconds,
      bodyBytes: rs.reduce((n, r) => n + r.bodyBytes * r.requests, 0) / Math.max(1, requests),
    };
  };
  const avg = (pick: (r: SizeResult['rounds'][number]) => number) => s.rounds.reduce((n, r) => n + pick(r), 0) / s.rounds.length;
  const baseline = sum((r) => r.baseline);
  const pult = sum((r) => r.pult);
  const before = s.rounds.every((r) => r.before) ? sum((r) => r.before!) : undefined;
  return {
    baseline,
    pult,
    getInfo: sum((r) => r.getInfo),
    getInfoBeside: sum((r) => r.getInfoBeside),
    ratio: pult.perSecond / baseline.perSecond,
    before,
    roundRatios: s.rounds.map((r) => r.pult.perSecond / r.baseline.perSecond),
    maxStallMs: Math.max(...s.rounds.map((r) => r.maxStallMs)),
    loopP99Ms: Math.max(...s.rounds.map((r) => r.loopP99Ms)),
    loopBusy: avg((r) => r.loopBusy),
    server: {
      pushReport: { p50Ms: median(s.rounds.map((r) => r.server.pushReport.p50Ms)), p99Ms: Math.max(...s.rounds.map((r) => r.server.pushReport.p99Ms)) },
      getInfo: { p50Ms: median(s.rounds.map((r) => r.server.getInfo.p50Ms)), p99Ms: Math.max(...s.rounds.map((r) => r.server.getInfo.p99Ms)) },
    },
    checkpoints: s.rounds.reduce((n, r) => n + r.checkpoints, 0),
    commitsPerFlush: avg((r) => r.commitsPerFlush),
    cpu: {
      baseline: { plugin: avg((r) => r.baselineCpu.plugin), simulator: avg((r) => r.baselineCpu.simulator), client: baseline.clientCpu },
      pult: { plugin: avg((r) => r.pultCpu.plugin), simulator: avg((r) => r.pultCpu.simulator), client: pult.clientCpu },
    },
    kinds: s.rounds.reduce(
      (k, r) => ({ newReport: k.newReport + r.pult.kinds['new-report'], folded: k.folded + r.pult.kinds.folded, newError: k.newError + r.pult.kinds['new-error'] }),
      { newReport: 0, folded: 0, newError: 0 },
    ),
    stored: s.rounds.reduce((k, r) => ({ reports: k.reports + r.stored.reports, errors: k.errors + r.stored.errors }), { reports: 0, errors: 0 }),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const f = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function rows(s: SizeResult): string[][] {
  const m = summary(s);
  return [
    ['', 'req/s', 'p50 ms', 'p99 ms', 'in pult p50 / p99 ms', 'vs baseline', 'CPU plugin / simulator / client'],
    ['baseline: body → file, fsync file + dir', f(m.baseline.perSecond), f(m.baseline.p50Ms), f(m.baseline.p99Ms), '', '1.00x', cpu(m.cpu.baseline)],
    ['pult pushReport', f(m.pult.perSecond), f(m.pult.p50Ms), f(m.pult.p99Ms), `${f(m.server.pushReport.p50Ms)} / ${f(m.server.pushReport.p99Ms)}`, `${m.ratio.toFixed(2)}x`, cpu(m.cpu.pult)],
    ...(m.before
      ? [[`pult before the changes (--compare)`, f(m.before.perSecond), f(m.before.p50Ms), f(m.before.p99Ms), '', `${(m.before.perSecond / m.baseline.perSecond).toFixed(2)}x`, '']]
      : []),
    [`pult getInfo, during pult's load`, f(m.getInfo.perSecond), f(m.getInfo.p50Ms), f(m.getInfo.p99Ms), `${f(m.server.getInfo.p50Ms)} / ${f(m.server.getInfo.p99Ms)}`, '', ''],
    [`pult getInfo, idle pult, during the baseline's load`, f(m.getInfoBeside.perSecond), f(m.getInfoBeside.p50Ms), f(m.getInfoBeside.p99Ms), '', '', ''],
    [`pult getInfo, nothing else running`, f(s.idleInfo.perSecond), f(s.idleInfo.p50Ms), f(s.idleInfo.p99Ms), '', '', ''],
  ];
}

function cpu(c: { plugin: number; simulator: number; client: number }): string {
  return `${pct(c.plugin)} / ${pct(c.simulator)} / ${pct(c.client)}`;
}

function facts(s: SizeResult): string[] {
  const m = summary(s);
  return [
    `database ${mb(s.dbBytes)} MB; pult start-up: ready ${s.startup.readyMs} ms after process start (database open ${s.startup.dbOpenMs} ms); ` +
      `RSS after start ${mb(s.rssAtStart.rss)} MB, at the end ${mb(s.rssAtEnd.rss)} MB, peak (VmHWM) ${mb(s.rssAtEnd.peak)} MB` +
      (s.beforeRss
        ? `; the compared pult: RSS after start ${mb(s.beforeRss.atStart.rss)} MB, at the end ${mb(s.beforeRss.atEnd.rss)} MB, peak (VmHWM) ${mb(s.beforeRss.atEnd.peak)} MB`
        : ''),
    `longest event-loop stall in pult during its load ${f(m.maxStallMs)} ms, p99 ${f(m.loopP99Ms)} ms, loop busy ${pct(m.loopBusy)} ` +
      `(checkpoints during the load: ${m.checkpoints}; ` +
      `${f(m.commitsPerFlush)} commits per journal fdatasync); stop with final checkpoint ${f(s.stopMs / 1000)} s`,
    `pult's mix: ${m.kinds.newReport} new reports of known errors, ${m.kinds.folded} repeats folded, ${m.kinds.newError} new errors ` +
      `(stored: ${m.stored.reports} reports, ${m.stored.errors} errors); mean body ${f(m.pult.bodyBytes / 1024)} KB; ` +
      `per-round ratios ${m.roundRatios.map((r) => r.toFixed(2)).join(', ')}`,
  ];
}

export function printSize(s: SizeResult): void {
  const table = rows(s);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  for (const line of facts(s)) console.log(line);
}

interface Target {
  name: string;
  value: (s: SizeResult) => number;
  unit: string;
  limit: number;
  atLeast?: boolean;
  only1M?: boolean;
}

const TARGETS: Target[] = [
  { name: 'intake ≥ 50% of the baseline', value: (s) => summary(s).ratio * 100, unit: '%', limit: 50, atLeast: true },
  { name: 'getInfo p99 ≤ 5 ms (through the simulator)', value: (s) => summary(s).getInfo.p99Ms, unit: 'ms', limit: 5 },
  { name: 'getInfo p99 ≤ 5 ms (inside pult)', value: (s) => summary(s).server.getInfo.p99Ms, unit: 'ms', limit: 5 },
  { name: 'start-up ≤ 3 s at 1M', value: (s) => s.startup.readyMs / 1000, unit: 's', limit: 3, only1M: true },
  { name: 'RSS ≤ 1 GB at 1M', value: (s) => s.rssAtEnd.peak / 2 ** 30, unit: 'GB', limit: 1, only1M: true },
  { name: 'no stall over 100 ms', value: (s) => summary(s).maxStallMs, unit: 'ms', limit: 100 },
];

function targetRows(results: SizeResult[]): string[][] {
  return [
    ['target', ...results.map((r) => r.label), 'met'],
    ...TARGETS.map((t) => {
      const applicable = results.filter((r) => !t.only1M || r.reports >= 1e6);
      const ok = applicable.every((r) => (t.atLeast ? t.value(r) >= t.limit : t.value(r) <= t.limit));
      return [
        t.name,
        ...results.map((r) => (t.only1M && r.reports < 1e6 ? `(${f(t.value(r))} ${t.unit})` : `${f(t.value(r))} ${t.unit}`)),
        applicable.length === 0 ? '—' : ok ? 'yes' : 'NO',
      ];
    }),
  ];
}

export function printTargets(results: SizeResult[]): void {
  console.log('\ntargets');
  const table = targetRows(results);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

export function writeMarkdown(before: Machine, after: Machine, opts: { seconds: number; rounds: number; warmup: number; concurrency: number; getInfoRate: number }, results: SizeResult[]): string {
  const md = (table: string[][]) => [table[0]!, table[0]!.map(() => '---'), ...table.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const out = [
    `Intake benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (\`npm run bench\`).`,
    '',
    `Machine: ${before.cpus} CPU (${before.model}), ${before.ramGB} GB RAM, ${before.os}, Node ${before.node}, temp files on ${before.disk}; ` +
      `load average ${before.loadavg} before, ${after.loadavg} after.`,
    '',
    `Load: ${opts.concurrency} concurrent pushReport clients in a separate process, ${opts.warmup} s warm-up per server, ` +
      `${opts.rounds} rounds × ${opts.seconds} s per server, baseline and pult alternating, through one simulator; getInfo at ${opts.getInfoRate}/s ` +
      `from another process during pult's rounds. CPU is a share of one core over the round (the machine has ${before.cpus}).`,
  ];
  for (const s of results) {
    out.push('', `**${s.label} reports** (${s.errors.toLocaleString('en')} errors)`, '', md(rows(s)), '', ...facts(s).map((l) => `- ${l}`));
  }
  out.push('', md(targetRows(results)), '');
  return out.join('\n');
}
