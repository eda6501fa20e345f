import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { syncSortKeys, syncSortKeysFrom } from '../storage/problems-repo';
import { indexNextReports, mergeAlongside, mergeSearchSegments } from '../storage/search-repo';
import type { Store } from '../storage/store';

/** How often the batches run while reports arrive, ms: longer batches share more pages of the journal (measured: 52 → 43 KB per report from 1 s to 5 s); a reader never waits for the timer. */
export const CATCH_UP_MS = 5000;
/** Reports added to the search index per transaction: ≈ 10–20 ms of the loop. */
export const REPORTS_PER_BATCH = 500;
/** Problems whose place in the list is refreshed per transaction: ≈ 10–20 ms at 100k problems (2000 held the loop 80–270 ms). */
const PROBLEMS_PER_BATCH = 250;
/** Search-index merging per transaction, and transactions of it per run (see mergeSearchSegments). */
const MERGE_MS = 8;
const MERGE_WRITES = 25;
/** Merging inside each batch of new reports' search words, ms. */
const BATCH_MERGE_MS = 4;
/** Problems looked at per transaction by the start-up refresh (most have nothing to change). */
const FULL_SYNC_PER_BATCH = 10_000;

/**
 * The derived data intake leaves for later (migration 14): the search words of new reports
 * and the problems' places in the list's orders. Written with every report they took a
 * third of intake's SQL time; here they are written in batches CATCH_UP_MS later, and
 * `catchUp` brings both fully up to date before the list or a search reads them, so
 * what a reader sees is exact. Nothing is lost by a crash: the unindexed reports are found
 * by id in the database, and the orders of every problem are refreshed at start.
 */
export class DeferredIndexes {
  private dirty = new Set<number>();
  private reportsPending = true;
  private fullSyncDone = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private merging: Promise<unknown> | undefined;

  constructor(
    private readonly store: Store,
    private readonly log?: Logger,
  ) {}

  /** Intake counted a report for this problem (its counters changed); `stored`: a new report row. */
  counted(problemId: number, stored: boolean): void {
    this.dirty.add(problemId);
    if (stored) this.reportsPending = true;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.merging ??= this.tick()
        .catch((err: unknown) => this.log?.warn(`поисковый индекс и порядок списка: ${(err as Error).message}`))
        .finally(() => (this.merging = undefined));
    }, CATCH_UP_MS);
    this.timer.unref();
  }

  /** What the timer does every CATCH_UP_MS (bench:pair calls it in place of the timer). */
  async tick(): Promise<void> {
    await this.catchUp();
    await this.mergeSegments();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.merging;
    await this.catchUp();
  }

  /**
   * Merges the search indexes' segments a little at a time, each step its own short
   * transaction (storage/search-repo.ts says why). Only from the timer: a reader's catchUp
   * never waits for it. Returns true while merge work is left after this run.
   */
  async mergeSegments(): Promise<boolean> {
    for (let i = 0; i < MERGE_WRITES; i++) {
      if (!(await this.store.write((db) => mergeSearchSegments(db, performance.now() + MERGE_MS)))) return false;
    }
    return true;
  }

  /**
   * Everything intake committed before this call is in the search index and in the list's
   * orders when it resolves. One run at a time; a call during a run waits for it and runs again.
   */
  async catchUp(): Promise<void> {
    while (this.running) await this.running;
    if (this.fullSyncDone && !this.reportsPending && this.dirty.size === 0) return;
    this.running = this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    if (!this.fullSyncDone) {
      // What was in memory when the process stopped is not known: refresh every problem.
      let from: number | undefined = 0;
      while (from !== undefined) {
        const at: number = from;
        from = await this.store.write((db) => syncSortKeysFrom(db, at, FULL_SYNC_PER_BATCH));
      }
      this.fullSyncDone = true;
    }
    while (this.dirty.size > 0) {
      // In id order: neighbours share pages of `problems`, so a batch rewrites fewer of them
      // (`npm run bench:orders`, 3500 problems in batches of 250: 90.8 → 43.5 µs of the loop
      // per problem at 100k problems, 42.7 → 21.8 at 10k).
      const ids = [...this.dirty].sort((a, b) => a - b);
      this.dirty.clear();
      for (let at = 0; at < ids.length; at += PROBLEMS_PER_BATCH) {
        const part = ids.slice(at, at + PROBLEMS_PER_BATCH);
        try {
          await this.store.write((db) => syncSortKeys(db, part));
        } catch (err) {
          for (const id of ids.slice(at)) this.dirty.add(id);
          throw err;
        }
      }
    }
    // Cleared before the batches: a report stored meanwhile sets it again.
    this.reportsPending = false;
    try {
      // A short batch was the last one: reports stored since have set the flag again.
      // Each batch merges a little too: a long run of batches (the rebuild after migration 19,
      // a backlog) would otherwise fill a level to 16 segments, which FTS4 merges all at once.
      const batch = (db: Database): number => {
        const added = indexNextReports(db, REPORTS_PER_BATCH);
        if (added > 0) mergeAlongside(db, BATCH_MERGE_MS, (m) => this.log?.warn(m));
        return added;
      };
      while ((await this.store.write(batch)) === REPORTS_PER_BATCH);
    } catch (err) {
      this.reportsPending = true;
      throw err;
    }
  }
}
