import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { ListOrders } from './list-orders';
import { trendWindow } from './trend';
import { hasUnindexed, indexNextErrors, indexNextReports, mergeAlongside, mergeSearchSegments } from '../storage/search-repo';
import type { Store } from '../storage/store';

/** How often the batches run while reports arrive, ms: longer batches share more pages of the journal (measured: 52 → 43 KB per report from 1 s to 5 s); a reader never waits for the timer. */
export const CATCH_UP_MS = 5000;
/** Reports added to the search index per transaction: ≈ 10–20 ms of the loop. */
export const REPORTS_PER_BATCH = 500;
/** New errors added to the search index of texts per transaction (an error's texts are longer than a report's words). */
export const ERRORS_PER_BATCH = 100;
/** Search-index merging per transaction, and transactions of it per run (see mergeSearchSegments). */
const MERGE_MS = 8;
const MERGE_WRITES = 25;
/** Merging inside each batch of new reports' search words, ms. */
const BATCH_MERGE_MS = 4;
/** Problems read per step of the start-up build of the list's orders (the sort after them is the longest step: 50–70 ms at 100k problems, `npm run bench:orders`). */
const BUILD_PER_STEP = 10_000;

/**
 * The derived data intake leaves for later: the search words of new reports (migration 14)
 * and of new errors (migration 25), and the problems' places in the list's orders (in memory
 * since migration 24: list-orders.ts, with the trend window's counts: trend-counts.ts).
 * Written with every report they took a third of intake's SQL time; here they are written
 * in batches CATCH_UP_MS later, and `catchUp` brings both fully up to date before the list
 * or a search reads them, so what a reader sees is exact. Nothing is lost by a crash: the
 * unindexed reports are found by id in the database, and the orders are built at start.
 */
export class DeferredIndexes {
  /** The list's orders by a counter: ready after the first catchUp. */
  readonly orders = new ListOrders();
  private reportsPending = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private merging: Promise<unknown> | undefined;

  constructor(
    private readonly store: Store,
    private readonly log?: Logger,
  ) {}

  /**
   * Intake stored a new report row (with a new error, or for a known one): its search words,
   * and a new error's, follow in a batch. (Its problem's move in the orders is noted by the
   * orders' triggers, whoever changed the counters.)
   */
  reportStored(): void {
    this.reportsPending = true;
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
    if (this.orders.ready && !this.reportsPending && this.orders.pending === 0) return;
    this.running = this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const orders = this.orders;
    if (!orders.ready) {
      // The triggers first: what changes while the build reads is noted and refreshed after.
      this.store.read((db) => orders.watch(db));
      let from: number | undefined = 0;
      while (from !== undefined) {
        const at: number = from;
        from = this.store.read((db) => orders.buildPart(db, at, BUILD_PER_STEP));
        await new Promise((resolve) => setImmediate(resolve));
      }
      orders.finishBuild();
      // The trend window's counts too (a read of the window's days, then kept by notes).
      this.store.read((db) => orders.trend.countsOf(db, trendWindow(Date.now())));
    }
    this.store.read((db) => orders.refresh(db));
    // Only the orders moved (a repeat folded into its report, a merge): no report to index —
    // unless rows came by another way than intake's reportStored (the marks tell).
    if (!this.reportsPending && !this.store.read(hasUnindexed)) return;
    // Cleared before the batches: a report stored meanwhile sets it again.
    this.reportsPending = false;
    try {
      // A short batch was the last one: reports stored since have set the flag again.
      // Each batch merges a little too: a long run of batches (the rebuild after migration 19,
      // a backlog) would otherwise fill a level to 16 segments, which FTS4 merges all at once.
      // Errors and reports in transactions of their own: one task of the loop each, the
      // requests served between them (both in one made the longest stall of intake 48 ms).
      const batch = (indexNext: (db: Database, limit: number) => number, limit: number) => (db: Database): boolean => {
        const added = indexNext(db, limit);
        if (added > 0) mergeAlongside(db, BATCH_MERGE_MS, (m) => this.log?.warn(m));
        return added === limit;
      };
      while (await this.store.write(batch(indexNextErrors, ERRORS_PER_BATCH)));
      while (await this.store.write(batch(indexNextReports, REPORTS_PER_BATCH)));
    } catch (err) {
      this.reportsPending = true;
      throw err;
    }
  }
}
