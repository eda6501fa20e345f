/**
 * The intake benchmark's load generator, forked by intake-bench.ts so that its CPU is its
 * own process's (the machine has few cores; the figures say how much it used). Bodies
 * are built before a timed phase; during it the client only sends. Commands over IPC:
 *   prepare {count}            build `count` fresh pushReport bodies
 *   push {url, concurrency, seconds, source}
 *                              closed loop of `concurrency` clients; source `fresh` takes
 *                              unsent bodies (pult must see new report ids), `replay` sends
 *                              the bodies sent so far in their order (to a second pult with a
 *                              database of its own), `reuse` cycles through them (baseline)
 *   getinfo {url, rate, seconds}  open loop at `rate` requests per second
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { getInfoFor, pushReportBody } from '../../sim/platform/report-client';
import { mixedReport, reportJson, reportZipParts, xorshift, type MixKind } from './intake-data';

interface Setup {
  errors: number;
  reports: number;
}

type Kind = MixKind;

interface Body {
  chunks: Buffer[];
  length: number;
  contentType: string;
  kind: Kind;
}

export interface PhaseResult {
  requests: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time of this client process over the phase, as a share of one core. */
  clientCpu: number;
  kinds: Record<Kind, number>;
  /** Fresh bodies that had to be built during the phase (the pool ran out). */
  builtDuring: number;
  bodyBytes: number;
}

const setup: Setup = JSON.parse(process.env.INTAKE_LOAD_SETUP ?? '{"errors":1,"reports":1}');
const fresh: Body[] = [];
const used: Body[] = [];
let newErrors = 0;

// The same mix every run.
const rand = xorshift();

/** One pushReport of the mix (intake-data.ts's mixedReport), as the platform frames it. */
function makeBody(): Body {
  const { kind, json, screenshot } = mixedReport(rand, setup, () => newErrors++);
  const zip = reportZipParts(json, screenshot);
  // The platform's multipart framing around the zip, from the one place that knows it.
  const { body: frame, contentType } = pushReportBody(Buffer.alloc(0));
  const tail = frame.indexOf('\r\n--', 2);
  const chunks = [frame.subarray(0, tail), ...zip, frame.subarray(tail)];
  return { chunks, length: chunks.reduce((n, c) => n + c.length, 0), contentType, kind };
}

function prepare(count: number): void {
  for (let i = 0; i < count; i++) fresh.push(makeBody());
}

/** Throughput, latency percentiles and client CPU of one timed phase (sorts `latencies`). */
function summarise(latencies: number[], started: number, cpu0: NodeJS.CpuUsage, failures: number, firstFailure: string | undefined) {
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    firstFailure,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function send(agent: http.Agent, url: URL, body: Body): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': body.contentType, 'Content-Length': body.length, 'User-Agent': '1C+Enterprise/8.3' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const c of body.chunks) req.write(c);
    req.end();
  });
}

type Source = 'fresh' | 'replay' | 'reuse';
const replayed = new Map<string, number>();

async function push(o: { url: string; concurrency: number; seconds: number; source: Source }): Promise<PhaseResult> {
  const url = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const kinds: Record<Kind, number> = { 'new-report': 0, folded: 0, 'new-error': 0 };
  let failures = 0;
  let firstFailure: string | undefined;
  let builtDuring = 0;
  let bodyBytes = 0;
  let reuse = 0;
  const next = (): Body => {
    if (o.source === 'reuse' && used.length > 0) return used[reuse++ % used.length]!;
    if (o.source === 'replay') {
      const at = replayed.get(o.url) ?? 0;
      replayed.set(o.url, at + 1);
      if (at < used.length) return used[at]!;
    }
    let b = fresh.pop();
    if (!b) {
      b = makeBody();
      builtDuring++;
    }
    used.push(b);
    return b;
  };
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + o.seconds * 1000;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < until) {
        const body = next();
        const t = performance.now();
        try {
          const answer = await send(agent, url, body);
          latencies.push(performance.now() - t);
          bodyBytes += body.length;
          if (answer.status !== 200) {
            failures++;
            firstFailure ??= `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
          } else if (o.source !== 'reuse') kinds[body.kind]++;
        } catch (err) {
          failures++;
          firstFailure ??= String(err);
        }
      }
    }),
  );
  agent.destroy();
  return {
    ...summarise(latencies, started, cpu0, failures, firstFailure),
    kinds,
    builtDuring,
    bodyBytes: latencies.length ? bodyBytes / latencies.length : 0,
  };
}

/** getInfo as the platform sends it before every report, at a steady rate whatever the answers take. */
async function getInfoLoop(o: { url: string; rate: number; seconds: number }): Promise<PhaseResult> {
  const url = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true });
  const info = Buffer.from(JSON.stringify(getInfoFor(reportJson({ error: 1, uid: randomUUID(), clientId: 'x', time: '' })), null, 4), 'utf8');
  const body: Body = { chunks: [info], length: info.length, contentType: 'application/json', kind: 'new-report' };
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const inFlight: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const total = Math.round(o.rate * o.seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    inFlight.push(
      send(agent, url, body).then(
        (answer) => {
          latencies.push(performance.now() - t);
          if (answer.status !== 200 || !answer.text.includes('needSendReport')) {
            failures++;
            firstFailure ??= `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
          }
        },
        (err) => {
          failures++;
          firstFailure ??= String(err);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    ...summarise(latencies, started, cpu0, failures, firstFailure),
    kinds: { 'new-report': 0, folded: 0, 'new-error': 0 },
    builtDuring: 0,
    bodyBytes: info.length,
  };
}

process.on('message', (m: { id: number; cmd: string; [k: string]: unknown }) => {
  const run = async (): Promise<unknown> => {
    if (m.cmd === 'prepare') return prepare(m.count as number);
    if (m.cmd === 'push') return push(m as unknown as Parameters<typeof push>[0]);
    if (m.cmd === 'getinfo') return getInfoLoop(m as unknown as Parameters<typeof getInfoLoop>[0]);
    throw new Error(`unknown command ${m.cmd}`);
  };
  run().then(
    (result) => process.send!({ id: m.id, ok: true, result: result ?? null }),
    (err: Error) => process.send!({ id: m.id, ok: false, error: err.stack ?? String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
