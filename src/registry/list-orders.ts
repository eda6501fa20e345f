import type { Database } from 'sql.js';
import { tuples } from '../storage/sql';
import { TrendCounts } from './trend-counts';

/**
 * The problem list's orders by a counter, held in memory (migration 24). Every report moves
 * its problem in the last-seen and reports orders; kept in SQLite (migration 14's copies of
 * the counters with an index each) that move cost a rewritten row and four index entries in
 * the journal per problem, ~20 µs a report at 100k reports, 3 % of intake. Here a catch-up
 * reads the moved problems' counters and moves them in four arrays: a few milliseconds for
 * thousands, nothing journaled. Built from `problems` at start (the arrays are derived
 * data); SQLite tells which problems moved by temporary triggers (they live with the
 * connection, not in the file), whatever code changed them: intake, a merge, a clear.
 */
export type OrderSort = 'last' | 'reports' | 'computers' | 'users';
export const ORDER_SORTS: readonly OrderSort[] = ['last', 'reports', 'computers', 'users'];
export type OrderKey = string | number;

/** A problem's counters the orders go by. */
interface Keys {
  last: string;
  reports: number;
  computers: number;
  users: number;
}

type Row = [id: number, last: string, reports: number, computers: number, users: number];

/** The SQL function the triggers call, and the triggers (created anew with each connection). */
const MOVED_FN = 'pult_problem_moved';
const TRIGGERS = `
  CREATE TEMP TRIGGER IF NOT EXISTS pult_order_update AFTER UPDATE OF last_seen, reports_total, computers, users ON main.problems
    BEGIN SELECT ${MOVED_FN}(new.id); END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_order_insert AFTER INSERT ON main.problems BEGIN SELECT ${MOVED_FN}(new.id); END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_order_delete AFTER DELETE ON main.problems BEGIN SELECT ${MOVED_FN}(old.id); END;`;
const COLUMNS = 'id, last_seen, reports_total, computers, users';
const PAGE = `SELECT ${COLUMNS} FROM problems WHERE id > ? ORDER BY id LIMIT ?`;
const MOVED = `SELECT ${COLUMNS} FROM problems WHERE id IN (SELECT value FROM json_each(?))`;
/** Up to this many moved problems an order takes by binary search and splice; more, by one merge. */
const SPLICE_MAX = 16;

/** Whether (ka, ia) comes before (kb, ib): most first, then the higher id (the SQL orders' `key DESC, id DESC`). */
export function precedes(ka: OrderKey, ia: number, kb: OrderKey, ib: number): boolean {
  return ka > kb || (ka === kb && ia > ib);
}

export class ListOrders {
  /** The trend window's counts per problem (sort=trend), kept up to date the same way. */
  readonly trend = new TrendCounts();
  private readonly keys = new Map<number, Keys>();
  /** Each order's ids, most first, and beside them their keys (no Map lookups while searching and merging). */
  private readonly order: Record<OrderSort, number[]> = { last: [], reports: [], computers: [], users: [] };
  private readonly orderKeys: Record<OrderSort, OrderKey[]> = { last: [], reports: [], computers: [], users: [] };
  private readonly moved = new Set<number>();
  private db: Database | undefined;
  private built = false;

  /** Problems moved since the last refresh (or since the triggers were put in). */
  get pending(): number {
    return this.moved.size;
  }

  /** Whether `finishBuild` has run: before it the orders are empty. */
  get ready(): boolean {
    return this.built;
  }

  /**
   * Puts the triggers on this connection (once per connection). From then on every change
   * of a problem's counters, a new problem and a removed one are noted for `refresh`.
   */
  watch(db: Database): void {
    if (this.db === db) return;
    db.create_function(MOVED_FN, (id: number) => {
      // Called from inside SQLite: nothing here may throw.
      this.moved.add(id);
      return null;
    });
    db.exec(TRIGGERS);
    this.trend.watch(db);
    this.db = db;
  }

  /** Reads `limit` problems after `fromId` into the orders being built; the last id read, undefined past the end. */
  buildPart(db: Database, fromId: number, limit: number): number | undefined {
    const rows = tuples<Row>(db, PAGE, [fromId, limit]);
    for (const [id, last, reports, computers, users] of rows) this.keys.set(id, { last, reports, computers, users });
    return rows.length < limit ? undefined : rows[rows.length - 1]![0];
  }

  /** Sorts what buildPart read: the orders are ready. */
  finishBuild(): void {
    const ids = [...this.keys.keys()];
    const n = ids.length;
    // Sorted by position in typed columns: no Map lookups inside the sort.
    const idOf = Int32Array.from(ids);
    const numeric: Record<Exclude<OrderSort, 'last'>, Float64Array> = {
      reports: new Float64Array(n),
      computers: new Float64Array(n),
      users: new Float64Array(n),
    };
    const last: string[] = new Array<string>(n);
    ids.forEach((id, i) => {
      const k = this.keys.get(id)!;
      last[i] = k.last;
      numeric.reports[i] = k.reports;
      numeric.computers[i] = k.computers;
      numeric.users[i] = k.users;
    });
    const positions = () => Array.from({ length: n }, (_, i) => i);
    const byLast = positions().sort((a, b) => (last[a]! > last[b]! ? -1 : last[a]! < last[b]! ? 1 : idOf[b]! - idOf[a]!));
    this.order.last = byLast.map((i) => idOf[i]!);
    this.orderKeys.last = byLast.map((i) => last[i]!);
    for (const sort of ['reports', 'computers', 'users'] as const) {
      const k = numeric[sort];
      const by = positions().sort((a, b) => k[b]! - k[a]! || idOf[b]! - idOf[a]!);
      this.order[sort] = by.map((i) => idOf[i]!);
      this.orderKeys[sort] = by.map((i) => k[i]!);
    }
    this.built = true;
  }

  /** Moves the problems noted since the last call to their places now. */
  refresh(db: Database): void {
    if (this.moved.size === 0) return;
    const ids = [...this.moved];
    const now = new Map<number, Keys>();
    for (const [id, last, reports, computers, users] of tuples<Row>(db, MOVED, [JSON.stringify(ids)])) now.set(id, { last, reports, computers, users });
    // Only once read: a failed read leaves them noted for the next refresh.
    this.moved.clear();
    for (const sort of ORDER_SORTS) {
      // A new or removed problem differs too: a key is never undefined.
      const changed = ids.filter((id) => this.keys.get(id)?.[sort] !== now.get(id)?.[sort]);
      if (changed.length === 0) continue;
      if (changed.length <= SPLICE_MAX) this.spliceMoves(sort, changed, now);
      else this.mergeMoves(sort, changed, now);
    }
    for (const id of ids) {
      const k = now.get(id);
      if (k) this.keys.set(id, k);
      else this.keys.delete(id);
    }
  }

  /** The whole order, most first (a copy: for tests and checks). */
  snapshot(sort: OrderSort): number[] {
    return [...this.order[sort]];
  }

  /** The key of a problem in an order (its counter as of the last refresh). */
  keyOf(sort: OrderSort, id: number): OrderKey | undefined {
    return this.keys.get(id)?.[sort];
  }

  /**
   * The problems of the order from a cursor: after (older than) `before`, or before (newer
   * than) `after` nearest first, or from the top; `take()` tells how many ids the next part has.
   */
  *walk(sort: OrderSort, from: { before: { key: OrderKey; id: number } } | { after: { key: OrderKey; id: number } } | { first: true }, take: () => number): Generator<number[]> {
    const ids = this.order[sort];
    if ('after' in from) {
      let end = this.countBefore(sort, from.after.key, from.after.id, false);
      while (end > 0) {
        const start = Math.max(0, end - take());
        yield ids.slice(start, end).reverse();
        end = start;
      }
      return;
    }
    let at = 'before' in from ? this.countBefore(sort, from.before.key, from.before.id, true) : 0;
    while (at < ids.length) {
      const next = Math.min(ids.length, at + take());
      yield ids.slice(at, next);
      at = next;
    }
  }

  /** How many of the order come before (key, id); `inclusive`: (key, id) itself counted too. */
  private countBefore(sort: OrderSort, key: OrderKey, id: number, inclusive: boolean): number {
    const ids = this.order[sort];
    const keys = this.orderKeys[sort];
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = ids[mid]!;
      const k = keys[mid]!;
      if (precedes(k, other, key, id) || (inclusive && k === key && other === id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A few moves: each out of its old place (`this.keys` still holds the old keys) and into its new one. */
  private spliceMoves(sort: OrderSort, changed: number[], now: Map<number, Keys>): void {
    const ids = this.order[sort];
    const keys = this.orderKeys[sort];
    for (const id of changed) {
      const old = this.keys.get(id);
      if (!old) continue;
      const at = this.countBefore(sort, old[sort], id, false);
      if (ids[at] === id) ids.splice(at, 1), keys.splice(at, 1);
    }
    for (const id of changed) {
      const k = now.get(id)?.[sort];
      if (k === undefined) continue;
      const at = this.countBefore(sort, k, id, false);
      ids.splice(at, 0, id);
      keys.splice(at, 0, k);
    }
  }

  /** Many moves: the rest as it stands, merged with the moved ones sorted. */
  private mergeMoves(sort: OrderSort, changed: number[], now: Map<number, Keys>): void {
    // A mark per id, not a Set: the loop below asks it of every problem (100k a refresh).
    const moving = new Uint8Array(changed.reduce((m, id) => Math.max(m, id), 0) + 1);
    for (const id of changed) moving[id] = 1;
    const ids = this.order[sort];
    const keys = this.orderKeys[sort];
    const come = changed.filter((id) => now.has(id)).map((id) => ({ id, key: now.get(id)![sort] as OrderKey }));
    come.sort((a, b) => (precedes(a.key, a.id, b.key, b.id) ? -1 : 1));
    const size = ids.length - changed.filter((id) => this.keys.has(id)).length + come.length;
    const outIds = new Array<number>(size);
    const outKeys = new Array<OrderKey>(size);
    let o = 0;
    let j = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (moving[id] === 1) continue;
      const key = keys[i]!;
      while (j < come.length && !precedes(key, id, come[j]!.key, come[j]!.id)) (outIds[o] = come[j]!.id), (outKeys[o++] = come[j++]!.key);
      outIds[o] = id;
      outKeys[o++] = key;
    }
    for (; j < come.length; j++) (outIds[o] = come[j]!.id), (outKeys[o++] = come[j]!.key);
    outIds.length = o;
    outKeys.length = o;
    this.order[sort] = outIds;
    this.orderKeys[sort] = outKeys;
  }
}
