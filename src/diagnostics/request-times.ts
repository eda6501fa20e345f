import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface RequestFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RequestTimesSnapshot {
  sinceStart: Record<string, RequestFigures>;
  sinceReset: Record<string, RequestFigures>;
}

/**
 * How long pult took over each kind of request, from routing to the answer handed to
 * the socket (what the client waits for beyond that is the network and the monitor).
 */
export class RequestTimes {
  private readonly total = new Map<string, RecordableHistogram>();
  private readonly window = new Map<string, RecordableHistogram>();

  record(name: string, ms: number): void {
    const us = Math.max(1, Math.round(ms * 1000));
    for (const map of [this.total, this.window]) {
      let h = map.get(name);
      if (!h) map.set(name, (h = createHistogram()));
      h.record(us);
    }
  }

  reset(): void {
    this.window.clear();
  }

  snapshot(): RequestTimesSnapshot {
    return { sinceStart: figuresOf(this.total), sinceReset: figuresOf(this.window) };
  }
}

function figuresOf(map: Map<string, RecordableHistogram>): Record<string, RequestFigures> {
  const out: Record<string, RequestFigures> = {};
  for (const [name, h] of map) {
    out[name] = { count: h.count, p50Ms: h.percentile(50) / 1000, p99Ms: h.percentile(99) / 1000, maxMs: h.max / 1000 };
  }
  return out;
}
