import type { Database } from 'sql.js';
import type { ErrorFilter } from './pages-repo';
import { PROBLEM_COLUMNS, type ProblemRow } from './problems-repo';
import { all, tuples } from './sql';

/**
 * The problem list: one constant SQL text per order and direction (web/pages/list-query.ts
 * says what the orders mean). Browsing walks the order's own index (migration 10) from the
 * cursor and stops after a page; the filters are conditions on the rows walked, so no
 * filter ever sorts (test/pages/query-plans.test.ts). A search instead starts from the
 * problems of the unique errors found (at most registry/search.ts SEARCH_ROWS) and sorts
 * those few. So does a rare filter of migration 17 (a crash, a category of a few errors):
 * walking the index to find three problems among 25,000 would read them all, so when one of
 * them matches at most NARROW_CAP problems (errors, for a category) the list starts from those.
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
export type ProblemCursor = { before: { key: string | number; id: number } } | { after: { key: string | number; id: number } } | { first: true };

/** The column each order walks: copies of the counters (migration 14), first_seen itself. */
const COLUMN: Record<ProblemSort, string> = {
  last: 'sort_last',
  first: 'first_seen',
  reports: 'sort_reports',
  computers: 'sort_computers',
  users: 'sort_users',
};


const FILTERS = `(:status IS NULL OR status = :status) AND (:owner IS NULL OR owner_login = :owner)
  AND (:config IS NULL OR config_name = :config) AND last_seen >= :since
  AND (:version IS NULL OR id IN (SELECT problem_id FROM errors WHERE config_version = :version))
  AND (:screenshot IS NULL OR screenshots > 0) AND (:files IS NULL OR files > 0) AND (:crash IS NULL OR crashes > 0)
  AND (:category IS NULL OR EXISTS (SELECT 1 FROM errors e WHERE e.problem_id = problems.id
    AND EXISTS (SELECT 1 FROM error_categories c WHERE c.category = :category AND c.error_id = e.id)))`;

// Up to SEARCH_ROWS errors found: each one's problem from the two-integer index, not its row.
const FOUND = `id IN (SELECT e.problem_id FROM errors e INDEXED BY errors_problem_by_id WHERE e.id IN (SELECT value FROM json_each(:ids)))`;
const AMONG = `id IN (SELECT value FROM json_each(:pids))`;

function texts(sort: ProblemSort) {
  const c = COLUMN[sort];
  const browse = `SELECT ${PROBLEM_COLUMNS} FROM problems INDEXED BY problems_by_${sort}`;
  const search = `SELECT ${PROBLEM_COLUMNS} FROM problems NOT INDEXED`;
  return {
    browse: {
      older: `${browse} WHERE (${c}, id) < (:key, :id) AND ${FILTERS} ORDER BY ${c} DESC, id DESC LIMIT :limit`,
      newer: `${browse} WHERE (${c}, id) > (:key, :id) AND ${FILTERS} ORDER BY ${c} ASC, id ASC LIMIT :limit`,
    },
    search: {
      older: `${search} WHERE ${FOUND} AND (${c}, id) < (:key, :id) AND ${FILTERS} ORDER BY ${c} DESC, id DESC LIMIT :limit`,
      newer: `${search} WHERE ${FOUND} AND (${c}, id) > (:key, :id) AND ${FILTERS} ORDER BY ${c} ASC, id ASC LIMIT :limit`,
    },
    among: {
      older: `${search} WHERE ${AMONG} AND (${c}, id) < (:key, :id) AND ${FILTERS} ORDER BY ${c} DESC, id DESC LIMIT :limit`,
      newer: `${search} WHERE ${AMONG} AND (${c}, id) > (:key, :id) AND ${FILTERS} ORDER BY ${c} ASC, id ASC LIMIT :limit`,
    },
  };
}

const SQL = Object.fromEntries((Object.keys(COLUMN) as ProblemSort[]).map((s) => [s, texts(s)])) as Record<ProblemSort, ReturnType<typeof texts>>;

/** Above every ISO time and every count: the first page starts here. */
const TOP = '\uffff';

/** The sort value of a row, for the cursor of the next page. */
export function sortKeyOf(row: ProblemRow, sort: ProblemSort): string | number {
  return row[COLUMN[sort] as keyof ProblemRow] as string | number;
}

/** Above this many candidates a filter is not rare: walking the sort index finds a page soon. */
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

function params(f: ProblemFilter, key: string | number, id: number, limit: number, ids: number[] | undefined) {
  const p: Record<string, string | number | null> = {
    ':key': key,
    ':id': id,
    ':limit': limit,
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
  if (ids) p[':ids'] = JSON.stringify(ids);
  return p;
}

/**
 * A page of problems in `sort` order, most first; with `errorIds` (a search) only the
 * problems of those unique errors. `limit + 1` rows tell whether there is a further page.
 */
export function listProblems(db: Database, sort: ProblemSort, filter: ProblemFilter, cursor: ProblemCursor, limit: number, errorIds?: number[]): ProblemRow[] {
  const among = errorIds ? undefined : rareCandidates(db, filter);
  const sql = SQL[sort][errorIds ? 'search' : among ? 'among' : 'browse'];
  const at = 'after' in cursor ? cursor.after : 'before' in cursor ? cursor.before : { key: TOP, id: Number.MAX_SAFE_INTEGER };
  const p = params(filter, at.key, at.id, limit, errorIds);
  if (among) p[':pids'] = JSON.stringify(among);
  if ('after' in cursor) return all<ProblemRow>(db, sql.newer, p).reverse();
  return all<ProblemRow>(db, sql.older, p);
}

/** Whether the filter matches a problem beyond `row` in `sort` order. */
export function hasProblemsBeyond(db: Database, sort: ProblemSort, filter: ProblemFilter, row: ProblemRow, side: 'older' | 'newer', errorIds?: number[]): boolean {
  const at = { key: sortKeyOf(row, sort), id: row.id };
  return listProblems(db, sort, filter, side === 'older' ? { before: at } : { after: at }, 1, errorIds).length > 0;
}

const BY_IDS = `SELECT ${PROBLEM_COLUMNS} FROM problems NOT INDEXED WHERE id IN (SELECT value FROM json_each(:ids)) AND ${FILTERS}`;

/** The problems among `ids` that the filter keeps (any order). */
export function problemsAmong(db: Database, ids: number[], filter: ProblemFilter): ProblemRow[] {
  const p = params(filter, 0, 0, 0, ids);
  delete p[':key'], delete p[':id'], delete p[':limit'];
  return all<ProblemRow>(db, BY_IDS, p);
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

const IDS_AMONG = `SELECT id FROM problems NOT INDEXED WHERE id IN (SELECT value FROM json_each(:ids)) AND ${FILTERS}`;

/** The ids among `ids` of the problems the filter keeps (any order): the trend orders thousands, shows a page. */
export function problemIdsAmong(db: Database, ids: number[], filter: ProblemFilter): number[] {
  const p = params(filter, 0, 0, 0, ids);
  delete p[':key'], delete p[':id'], delete p[':limit'];
  return tuples<[number]>(db, IDS_AMONG, p).map(([id]) => id);
}
