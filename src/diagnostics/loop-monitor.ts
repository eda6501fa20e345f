import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

/** One second of the event loop: its longest delay. */
export interface LoopSecond {
  /** End of the second, epoch ms. */
  at: number;
  maxMs: number;
}

export interface LoopFigures {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  /** Share of the time the loop was running code rather than waiting for I/O (0–1). */
  utilization: number;
}

export interface LoopSnapshot {
  sinceStart: LoopFigures;
  sinceReset: LoopFigures;
  /** The longest delay in each of the last minutes' seconds, oldest first. */
  seconds: LoopSecond[];
}

const RESOLUTION_MS = 10;
const KEEP_SECONDS = 300;

/**
 * Watches how late the event loop runs (perf_hooks' sampling timer, 10 ms resolution): a
 * long stall here is a request that waited for synchronous work — a large transaction,
 * a checkpoint step — or for the CPU, on a busy machine. Keeps the whole-run figures,
 * those since the last reset, and the worst delay of each second of the last five
 * minutes, so a stall can be matched to what happened at that time.
 */
export class LoopMonitor {
  private readonly total = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly window = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly second = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly ring: LoopSecond[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedElu: EventLoopUtilization = performance.eventLoopUtilization();
  private resetElu: EventLoopUtilization = this.startedElu;

  start(): void {
    if (this.timer) return;
    this.startedElu = this.resetElu = performance.eventLoopUtilization();
    for (const h of [this.total, this.window, this.second]) h.enable();
    this.timer = setInterval(() => this.roll(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const h of [this.total, this.window, this.second]) h.disable();
  }

  /** Starts the "since reset" figures afresh. */
  reset(): void {
    this.window.reset();
    this.resetElu = performance.eventLoopUtilization();
  }

  snapshot(): LoopSnapshot {
    return {
      sinceStart: figures(this.total, this.startedElu),
      sinceReset: figures(this.window, this.resetElu),
      seconds: [...this.ring],
    };
  }

  private roll(): void {
    this.ring.push({ at: Date.now(), maxMs: this.second.count > 0 ? lateness(this.second.max) : 0 });
    if (this.ring.length > KEEP_SECONDS) this.ring.shift();
    this.second.reset();
  }
}

function figures(h: IntervalHistogram, since: EventLoopUtilization): LoopFigures {
  const utilization = Math.round(performance.eventLoopUtilization(since).utilization * 1000) / 1000;
  if (h.count === 0) return { maxMs: 0, p99Ms: 0, meanMs: 0, utilization };
  return { maxMs: lateness(h.max), p99Ms: lateness(h.percentile(99)), meanMs: lateness(h.mean), utilization };
}

/**
 * The histogram holds the sampling timer's whole period, its own 10 ms included; what a
 * request waited is the part beyond it.
 */
function lateness(ns: number): number {
  return Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
}
