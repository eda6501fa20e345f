import type { Logger } from '../log';
import { addUnasked } from '../storage/getinfo-repo';
import type { Store } from '../storage/store';
import { dayOf } from './days';

/**
 * Occurrences of known problems that were not uploaded because getInfo said "no": counted
 * in memory (no disk write on getInfo's path) per problem, Moscow day and version, and
 * written in one transaction every FLUSH_MS and at a clean stop. A crash loses at most the
 * counts of the last FLUSH_MS (README «getInfo: ответы по состоянию проблемы»). Bounded: past
 * MAX_KEYS distinct keys a flush is started and further counts wait for it to finish.
 */
export const FLUSH_MS = 5000;
const MAX_KEYS = 10_000;

export class UnaskedCounts {
  private pending = new Map<string, { problemId: number; day: string; version: string; count: number }>();
  private byProblem = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log?: Logger,
  ) {}

  /** One getInfo of `version` told "no" for this problem. */
  record(problemId: number, version: string, at = new Date()): void {
    const day = dayOf(at.getTime());
    const key = `${problemId}\u0000${day}\u0000${version}`;
    const seen = this.pending.get(key);
    if (seen) seen.count++;
    else {
      if (this.pending.size >= MAX_KEYS) void this.flush();
      this.pending.set(key, { problemId, day, version, count: 1 });
    }
    this.byProblem.set(problemId, (this.byProblem.get(problemId) ?? 0) + 1);
  }

  /** Counted but not yet written, for pages that add them to the stored total. */
  pendingOf(problemId: number): number {
    return this.byProblem.get(problemId) ?? 0;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what is counted; the counts are put back if the write fails. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.byProblem = new Map();
      try {
        await this.store.write((db) => {
          for (const c of batch) addUnasked(db, c.problemId, c.day, c.version, c.count);
        });
      } catch (err) {
        for (const c of batch) this.restore(c);
        this.log?.warn(`счётчики «без отчёта» не записаны, повтор позже: ${(err as Error).message}`);
      }
    });
    return this.flushing;
  }

  /** Stops the timer and writes what is left (a clean stop loses nothing). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private restore(c: { problemId: number; day: string; version: string; count: number }): void {
    const key = `${c.problemId}\u0000${c.day}\u0000${c.version}`;
    const seen = this.pending.get(key);
    if (seen) seen.count += c.count;
    else this.pending.set(key, { ...c });
    this.byProblem.set(c.problemId, (this.byProblem.get(c.problemId) ?? 0) + c.count);
  }
}
