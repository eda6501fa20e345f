import fs from 'node:fs';
import type { StoreStats } from '../storage/engine';
import type { BoundsFigures } from './bounds';
import { LoopMonitor, type LoopSnapshot } from './loop-monitor';
import { RequestTimes, type RequestTimesSnapshot } from './request-times';

export interface StartupFigures {
  /** Opening the database and repairing what a crash left, ms. */
  dbOpenMs: number;
  /** From the process's start to listening on the monitor's socket, ms. */
  readyMs: number;
}

export interface DataTotals {
  errors: number;
  reports: number;
  pendingNotices: number;
}

/** Where the figures come from: the storage of the running plugin. */
export interface StatusSources {
  storeStats(): StoreStats;
  /** Zips written but not yet settled (a few while reports arrive; more means trouble). */
  incomingZips(): Promise<number>;
  /** Row counts (no full scans). */
  totals(): DataTotals;
  /** Size on disk, free space, retention (absent where there is no plugin around). */
  bounds?(): Promise<BoundsFigures>;
}

export interface MemoryFigures {
  rssBytes: number;
  /** Peak resident size of the process (Linux VmHWM), when the system tells it. */
  peakRssBytes: number | undefined;
  heapUsedBytes: number;
  externalBytes: number;
}

export interface Status {
  at: string;
  startedAt: string;
  uptimeSeconds: number;
  /** When the "since reset" figures began (start-up, or an administrator's reset). */
  resetAt: string;
  /** Administrators only (see `forViewer`): it tells an attacker which exploits fit. */
  pid?: number;
  node?: string;
  startup: StartupFigures;
  memory: MemoryFigures;
  eventLoop: LoopSnapshot;
  requests: RequestTimesSnapshot;
  storage: StoreStats;
  incomingZips: number;
  totals: DataTotals;
  bounds: BoundsFigures | undefined;
}

/**
 * The process's own figures for s/status: start-up, memory, event-loop stalls, request
 * times, storage. Collecting them costs a sampling timer and a histogram record per request.
 */
export class StatusService {
  readonly startup: StartupFigures = { dbOpenMs: 0, readyMs: 0 };
  readonly loop = new LoopMonitor();
  readonly requests = new RequestTimes();
  private readonly startedAt = new Date(performance.timeOrigin);
  private resetAt = new Date();
  private sources: StatusSources | undefined;

  /** The storage is open and the socket listens: figures from now on. */
  serving(sources: StatusSources, startup: StartupFigures): void {
    this.sources = sources;
    Object.assign(this.startup, startup);
    this.resetAt = new Date();
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Starts the "since reset" figures afresh (an administrator watching a change). */
  reset(): void {
    this.loop.reset();
    this.requests.reset();
    this.resetAt = new Date();
  }

  async read(): Promise<Status> {
    const s = this.sources;
    if (!s) throw new Error('status read before the plugin serves');
    const now = new Date();
    return {
      at: now.toISOString(),
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((now.getTime() - this.startedAt.getTime()) / 1000),
      resetAt: this.resetAt.toISOString(),
      pid: process.pid,
      node: process.version,
      startup: { ...this.startup },
      memory: memoryFigures(),
      eventLoop: this.loop.snapshot(),
      requests: this.requests.snapshot(),
      storage: s.storeStats(),
      incomingZips: await s.incomingZips(),
      totals: s.totals(),
      bounds: await s.bounds?.(),
    };
  }
}

function memoryFigures(): MemoryFigures {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, peakRssBytes: peakRss(), heapUsedBytes: m.heapUsed, externalBytes: m.external };
}

/** VmHWM from /proc/self/status (Linux); undefined elsewhere. */
function peakRss(): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** What a viewer sees: the process id and the Node version only for administrators. */
export function forViewer(status: Status, isAdmin: boolean): Status {
  if (isAdmin) return status;
  const { pid: _pid, node: _node, ...rest } = status;
  return rest;
}
