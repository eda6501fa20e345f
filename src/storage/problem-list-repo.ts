import type { Database } from 'sql.js';
import { precedes, type ListOrders, type OrderKey, type OrderSort } from '../registry/list-orders';
import type { ErrorFilter } from './pages-repo';
import { PROBLEM_COLUMNS, type ProblemRow } from './problems-repo';
import { all, tuples } from './sql';

/**
 * The problem list (web/pages/list-query.ts says what the orders mean). The order by first
 * report walks its index (problems_by_first) from the cursor and stops after a page; the
 * orders by a counter are in memory (registry/list-orders.ts): browsing walks one from the
 * cursor, reading the next ids' rows with the filters a chunk at a time (the chunk doubles
 * while the filters keep few), so no filter ever sorts (test/pages/query-plans.test.ts). A
 * search instead starts from the problems of the unique errors found (at most
 * registry/search.ts SEARCH_ROWS) and sorts those few. So does a rare filter of migration 17
 * (a crash, a category of a few errors): walking the order to find three problems among
 * 25,000 would read them all, so when one of them matches at most NARROW_CAP problems
 * (errors, for a category) the list starts from those.
 */
export type ProblemSort = 'last' | 'first' | 'reports' | 'computers' | 'users';

export interface ProblemFilter extends ErrorFilter {
  status?: string;
  /** An owner's login. */
  owner?: string;
  /** ISO time: the problem's last report at or after it. */
  since?: string;
  /** At least one stored report with a screenshot / attached files / a crash (migration 17's counts). */
  screenshot?: boolean;
  files?: boolean;
  crash?: boolean;
  /** A category of any unique error's chain, exact. */
  category?: string;
}

/** Keyset position: the sort value and id of the last row shown (older) or the first (newer). */
export type ProblemCursor = { before: { key: OrderKey; id: number } } | { after: { key: OrderKey; id: number } } | { first: true };

const FILTERS = `(:status IS NULL OR status = :status) AND (:owner IS NULL OR owner_login = :owner)
  AND (:config IS NULL OR config_name = :config) AND last_seen >= :since
  AND (:version IS NULL OR id IN (SELECT problem_id FROM errors WHERE config_version = :version))
  AND (:screenshot IS NULL OR screenshots > 0) AND (:files IS NULL OR files > 0) AND (:crash IS NULL OR crashes > 0)
  AND (:category IS NULL OR EXISTS (SELECT 1 FROM errors e WHERE e.problem_id = problems.id
    AND EXISTS (SELECT 1 FROM error_categories c WHERE c.category = :category AND c.error_id = e.id)))`;

// Up to SEARCH_ROWS errors found: each one's problem from the two-integer index, not its row.
const FOUND = `id IN (SELECT e.problem_id FROM errors e INDEXED BY errors_problem_by_id WHERE e.id IN (SELECT value FROM json_each(:ids)))`;
const AMONG = `id IN (SELECT value FROM json_each(:pids))`;

/** The order by first report walks its own index, older or newer from the cursor. */
const FIRST_OLDER = `SELECT ${PROBLEM_COLUMNS} FROM problems INDEXED BY problems_by_first WHERE (first_seen, id) < (:key, :id) AND ${FILTERS} ORDER BY first_seen DESC, id DESC LIMIT :limit`;
const FIRST_NEWER = `SELECT ${PROBLEM_COLUMNS} FROM problems INDEXED BY problems_by_first WHERE (first_seen, id) > (:key, :id) AND ${FILTERS} ORDER BY first_seen ASC, id ASC LIMIT :limit`;
/** The rows of a set of problems the filters keep, any order: the found ones, the rare candidates, a chunk of an order. */
const FOUND_ROWS = `SELECT ${PROBLEM_COLUMNS} FROM problems NOT INDEXED WHERE ${FOUND} AND ${FILTERS}`;
const AMONG_ROWS = `SELECT ${PROBLEM_COLUMNS} FROM problems NOT INDEXED WHERE ${AMONG} AND ${FILTERS}`;

/** Above every ISO time: the first page of the order by first report starts here. */
const TOP = '\uffff';

/** A problem's counter an order goes by, as the row has it now. */
function liveKey(row: ProblemRow, sort: ProblemSort): OrderKey {
  switch (sort) {
    case 'first':
      return row.first_seen;
    case 'last':
      return row.last_seen;
    case 'reports':
      return row.reports_total;
    case 'computers':
      return row.computers;
    case 'users':
      return row.users;
  }
}

/** The sort value of a row, for the cursor of the next page: its place in the order. */
export function sortKeyOf(orders: ListOrders, row: ProblemRow, sort: ProblemSort): OrderKey {
  return (sort === 'first' ? undefined : orders.keyOf(sort, row.id)) ?? liveKey(row, sort);
}

/** Above this many candidates a filter is not rare: walking the order finds a page soon. */
export const NARROW_CAP = 2000;

/** The candidates of each rare-able filter, read by its own index (migration 17), at most NARROW_CAP + 1. */
const CANDIDATES = {
  screenshot: 'SELECT id FROM problems INDEXED BY problems_with_screenshots WHERE screenshots > 0 LIMIT ?',
  files: 'SELECT id FROM problems INDEXED BY problems_with_files WHERE files > 0 LIMIT ?',
  crash: 'SELECT id FROM problems INDEXED BY problems_with_crashes WHERE crashes > 0 LIMIT ?',
  // Errors, not problems: each category row leads to its error's problem by the error's id.
  category: 'SELECT e.problem_id FROM error_categories c JOIN errors e ON e.id = c.error_id WHERE c.category = ? LIMIT ?',
} as const;

/**
 * The problems the rarest of the set filters allows, when one allows few (at most
 * NARROW_CAP); undefined when none is set or each matches many. The other filters are
 * still applied to these.
 */
function rareCandidates(db: Database, f: ProblemFilter): number[] | undefined {
  let best: number[] | undefined;
  const consider = (ids: number[]) => {
    if (ids.length <= NARROW_CAP && (!best || ids.length < best.length)) best = ids;
  };
  for (const flag of ['crash', 'files', 'screenshot'] as const) {
    if (f[flag]) consider(tuples<[number]>(db, CANDIDATES[flag], [NARROW_CAP + 1]).map(([id]) => id));
  }
  if (f.category !== undefined) {
    const rows = tuples<[number]>(db, CANDIDATES.category, [f.category, NARROW_CAP + 1]);
    if (rows.length <= NARROW_CAP) consider([...new Set(rows.map(([id]) => id))]);
  }
  return best;
}

function filterParams(f: ProblemFilter): Record<string, string | number | null> {
  return {
    ':status': f.status ?? null,
    ':owner': f.owner ?? null,
    ':config': f.config ?? null,
    ':version': f.version ?? null,
    ':since': f.since ?? '',
    ':screenshot': f.screenshot ? 1 : null,
    ':files': f.files ? 1 : null,
    ':crash': f.crash ? 1 : null,
    ':category': f.category ?? null,
  };
}

/** Rows of an order walked per chunk: the first chunk is a page, then it doubles up to this. */
const MAX_CHUNK = 4096;

/**
 * A page of problems in `sort` order, most first; with `errorIds` (a search) only the
 * problems of those unique errors. `limit + 1` rows tell whether there is a further page.
 */
export function listProblems(db: Database, orders: ListOrders, sort: ProblemSort, filter: ProblemFilter, cursor: ProblemCursor, limit: number, errorIds?: number[]): ProblemRow[] {
  const among = errorIds ? undefined : rareCandidates(db, filter);
  if (errorIds || among) {
    const rows = errorIds ? all<ProblemRow>(db, FOUND_ROWS, { ...filterParams(filter), ':ids': JSON.stringify(errorIds) }) : problemsAmong(db, among!, filter);
    return pageOfFew(orders, sort, rows, cursor, limit);
  }
  if (sort === 'first') {
    const at = 'after' in cursor ? cursor.after : 'before' in cursor ? cursor.before : { key: TOP, id: Number.MAX_SAFE_INTEGER };
    const p = { ...filterParams(filter), ':key': at.key, ':id': at.id, ':limit': limit };
    if ('after' in cursor) return all<ProblemRow>(db, FIRST_NEWER, p).reverse();
    return all<ProblemRow>(db, FIRST_OLDER, p);
  }
  return walkOrder(db, orders, sort, filter, cursor, limit);
}

/** The few found or candidate rows in the order, from the cursor: sorted here. */
function pageOfFew(orders: ListOrders, sort: ProblemSort, rows: ProblemRow[], cursor: ProblemCursor, limit: number): ProblemRow[] {
  const keyed = rows.map((row) => ({ row, key: sortKeyOf(orders, row, sort) }));
  keyed.sort((a, b) => (precedes(a.key, a.row.id, b.key, b.row.id) ? -1 : 1));
  if ('after' in cursor) {
    const { key, id } = cursor.after;
    const newer = keyed.filter((k) => precedes(k.key, k.row.id, key, id));
    return newer.slice(Math.max(0, newer.length - limit)).map((k) => k.row);
  }
  const older = 'before' in cursor ? keyed.filter((k) => precedes(cursor.before.key, cursor.before.id, k.key, k.row.id)) : keyed;
  return older.slice(0, limit).map((k) => k.row);
}

/**
 * An order by a counter from the cursor: the next ids' rows with the filters, a chunk at a
 * time. By last report the walk stops at the period's start (`since`): all after it are older.
 */
function walkOrder(db: Database, orders: ListOrders, sort: OrderSort, filter: ProblemFilter, cursor: ProblemCursor, limit: number): ProblemRow[] {
  const out: ProblemRow[] = [];
  let chunk = limit;
  const take = () => {
    const n = chunk;
    chunk = Math.min(MAX_CHUNK, chunk * 2);
    return n;
  };
  const stopAt = sort === 'last' && filter.since !== undefined && !('after' in cursor) ? filter.since : undefined;
  for (const ids of orders.walk(sort, cursor, take)) {
    const byId = new Map(problemsAmong(db, ids, filter).map((r) => [r.id, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (row && (out.push(row), out.length >= limit)) break;
    }
    if (out.length >= limit) break;
    if (stopAt !== undefined && (orders.keyOf('last', ids[ids.length - 1]!) ?? '') < stopAt) break;
  }
  // Newer rows were walked nearest first: shown most first, like every page.
  return 'after' in cursor ? out.reverse() : out;
}

/** Whether the filter matches a problem beyond `row` in `sort` order. */
export function hasProblemsBeyond(db: Database, orders: ListOrders, sort: ProblemSort, filter: ProblemFilter, row: ProblemRow, side: 'older' | 'newer', errorIds?: number[]): boolean {
  const at = { key: sortKeyOf(orders, row, sort), id: row.id };
  return listProblems(db, orders, sort, filter, side === 'older' ? { before: at } : { after: at }, 1, errorIds).length > 0;
}

/** The problems among `ids` that the filter keeps (any order). */
export function problemsAmong(db: Database, ids: number[], filter: ProblemFilter): ProblemRow[] {
  return all<ProblemRow>(db, AMONG_ROWS, { ...filterParams(filter), ':pids': JSON.stringify(ids) });
}

/** Reports of a problem in the parts of the trend window (registry/trend.ts). */
export interface ProblemWindowCounts {
  problem_id: number;
  today: number;
  yesterday: number;
  /** The days from the window's start to the day before yesterday. */
  before: number;
}

/**
 * Reports per problem in the window: a range of error_days_by_day, each error's problem
 * from errors_problem_by_id (two integers an entry, where the error row is half a
 * kilobyte), summed per problem here — one row per active problem crosses into JS, not
 * one per error and day.
 */
export function problemWindowCounts(db: Database, days: { from: string; yesterday: string; today: string }): ProblemWindowCounts[] {
  return tuples<[number, number, number, number]>(
    db,
    `SELECT e.problem_id, SUM(CASE WHEN d.day = :today THEN d.reports ELSE 0 END), SUM(CASE WHEN d.day = :yesterday THEN d.reports ELSE 0 END),
            SUM(CASE WHEN d.day < :yesterday THEN d.reports ELSE 0 END)
       FROM error_days d JOIN errors e INDEXED BY errors_problem_by_id ON e.id = d.error_id
      WHERE d.day >= :from AND d.day <= :today GROUP BY e.problem_id`,
    { ':from': days.from, ':yesterday': days.yesterday, ':today': days.today },
  ).map(([problem_id, today, yesterday, before]) => ({ problem_id, today, yesterday, before }));
}

const IDS_AMONG = `SELECT id FROM problems NOT INDEXED WHERE ${AMONG} AND ${FILTERS}`;

/** The ids among `ids` of the problems the filter keeps (any order): the trend orders thousands, shows a page. */
export function problemIdsAmong(db: Database, ids: number[], filter: ProblemFilter): number[] {
  return tuples<[number]>(db, IDS_AMONG, { ...filterParams(filter), ':pids': JSON.stringify(ids) }).map(([id]) => id);
}
