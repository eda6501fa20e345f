import type { Database } from 'sql.js';
import type { ListOrders } from '../../registry/list-orders';
import { trendScores, trendWindow } from '../../registry/trend';
import { listProblems, problemIdsAmong, sortKeyOf, problemsAmong, type ProblemFilter } from '../../storage/problem-list-repo';
import { problemsOfErrors } from '../../storage/problems-repo';
import { readProblem, type ProblemRow } from '../../storage/problems-repo';
import type { ProblemPage } from './problems-list';
import { ChangeCache } from './change-cache';

const scoreCache = new ChangeCache<Map<number, number>>(2);
const activeCache = new ChangeCache<number[]>(8);

/**
 * sort=trend: the problems with reports in the trend window (registry/trend.ts), fastest
 * growing first, read by the (day, error_id) index; then all the others by last report.
 * Paged by the id of the last row shown (`before`): a row of the first part continues
 * after it in the growth order, a row of the rest continues by its last report.
 */
export function trendPage(db: Database, orders: ListOrders, filter: ProblemFilter, cursor: { before?: number }, limit: number, now: number, errorIds?: number[]): ProblemPage {
  // The window moves by the minute: within one and until the next write the order stands.
  const minute = Math.floor(now / 60_000) * 60_000;
  const w = trendWindow(minute);
  const key = JSON.stringify([minute, filter, errorIds ?? null]);
  // Growth of every active problem, whatever the filter; the filter picks among them.
  const scores = scoreCache.get(db, String(minute), () => trendScores(orders.trend.countsOf(db, w), w));
  // The filter's active problems in growth order, as ids: thousands are ordered, a page is read.
  const active = activeCache.get(db, key, () => {
    let ids = [...scores.keys()];
    if (errorIds) {
      const found = new Set(problemsOfErrors(db, errorIds));
      ids = ids.filter((id) => found.has(id));
    }
    return problemIdsAmong(db, ids, filter).sort((a, b) => scores.get(b)! - scores.get(a)! || b - a);
  });
  // The rest: last report before the window (a problem with reports in it is active).
  const windowStart = new Date(Date.parse(`${w.from}T00:00:00+03:00`)).toISOString();
  const restAfter = (row: ProblemRow | undefined, n: number) =>
    listProblems(db, orders, 'last', filter, { before: row ? { key: sortKeyOf(orders, row, 'last'), id: row.id } : { key: windowStart, id: 0 } }, n, errorIds);
  const at = cursor.before === undefined ? -1 : active.indexOf(cursor.before);
  let rows: ProblemRow[];
  if (cursor.before === undefined || at >= 0) {
    rows = rowsOf(db, active.slice(at + 1, at + 2 + limit));
    if (rows.length <= limit) rows = rows.concat(restAfter(undefined, limit + 1 - rows.length));
  } else {
    const from = readProblem(db, cursor.before);
    rows = from ? restAfter(from, limit + 1) : [];
  }
  return { rows: rows.slice(0, limit), older: rows.length > limit, newer: false };
}

/** The rows of these problems, in this order (the cached order is of this same database state). */
function rowsOf(db: Database, ids: number[]): ProblemRow[] {
  const byId = new Map(problemsAmong(db, ids, {}).map((p) => [p.id, p]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
