import { parseSearch } from '../../registry/search-query';
import { searchErrors, type SearchHits } from '../../registry/search';
import { ChangeCache } from './change-cache';
import type { ListOrders } from '../../registry/list-orders';
import { hasProblemsBeyond, listProblems, sortKeyOf, type ProblemCursor, type ProblemFilter, type ProblemSort } from '../../storage/problem-list-repo';
import { errorCategories } from '../../storage/categories-repo';
import { errorsOfProblem, readProblem, type ProblemRow } from '../../storage/problems-repo';
import type { Store } from '../../storage/store';
import { filterOptions, type ErrorsListInput, type ListPage, type Option } from './errors-list';
import type { FacetsCache } from './facets';
import { highlight } from './highlight';
import { PERIOD_LABELS, PERIODS, SORT_LABELS, SORTS, type ListSort } from './list-query';
import { PAGE_SIZE, withQuery } from './params';
import { presentProblem, type ProblemView } from './present-problem';
import { STATUSES } from '../../registry/problem-status';
import { statusText } from '../../registry/problem-events';
import { trendPage } from './trend-page';
import { dayOf } from '../../registry/days';
import { problemDays } from '../../storage/days-repo';
import { lastDays, sparkline, type DayChart } from './day-chart';

/** A problem spans few versions and extension sets; more than this is shown as "…". */
export const ERRORS_PER_PROBLEM = 200;

/** The hits of the latest searches, until the next write (paging and re-sorting reuse them). */
const searchCache = new ChangeCache<SearchHits>();

/** Days in each row's sparkline. */
export const SPARK_DAYS = 14;

/** A row of the list: the problem, its last 14 days, whether it first came today (Moscow). */
export interface ListedProblem extends ProblemView {
  spark: DayChart;
  /** Its first report came today, so its last one did too (both are when pult received them). */
  newToday: boolean;
}

export interface ProblemsListView extends ListPage {
  problems: ListedProblem[];
  /** The same filter, as the list of unique errors. */
  errorsHref: string;
  q: string | undefined;
  sort: ListSort;
  sorts: Option[];
  statuses: Option[];
  periods: Option[];
  /** owner=me: the viewer's problems. */
  mine: boolean;
  owner: string | undefined;
  status: string | undefined;
  period: string | undefined;
  /** The filters of migration 17: stored reports with a screenshot, files, a crash; a category. */
  screenshot: boolean;
  files: boolean;
  crash: boolean;
  categories: Option[];
  /**
   * A filter beyond configuration and version (state, owner, period, the flags, category) is
   * set: the count of unique errors (by configuration and version only) is not what is listed.
   */
  narrowed: boolean;
  /** A search: how many unique errors it found, and whether older matches were left out. */
  found: number | undefined;
  truncated: boolean;
  /** This page's address (the bulk form comes back to it). */
  selfHref: string;
  /** The URL of every field set (for JSON and for links that keep the view). */
  query: Record<string, string | undefined>;
}

/** What a page of the list is made of, whichever order. */
export interface ProblemPage {
  rows: ProblemRow[];
  older: boolean;
  newer: boolean;
}

/**
 * errorsList (default view): one page of problems in the chosen order, filtered, searched.
 * `viewer` is whom «мои» (owner=me) means; `now` is when the period and trend count back from.
 * `orders` are the list's orders, caught up (registry/deferred-indexes.ts).
 */
export function problemsListView(
  store: Store,
  orders: ListOrders,
  facets: FacetsCache,
  q: ErrorsListInput,
  base: string,
  viewer: string | undefined,
  now = Date.now(),
): ProblemsListView {
  const search = parseSearch(q.q);
  const filter: ProblemFilter = {
    config: q.config,
    version: q.version,
    status: q.status,
    owner: q.owner === 'me' ? (viewer ?? '') : q.owner,
    // From the start of the minute: the same filter for a minute, so kept answers stay usable.
    since: q.period ? new Date(Math.floor(now / 60_000) * 60_000 - PERIODS[q.period] * 3600_000).toISOString() : undefined,
    screenshot: q.screenshot === '1' || undefined,
    files: q.files === '1' || undefined,
    crash: q.crash === '1' || undefined,
    category: q.category,
  };
  const query = {
    q: q.q?.trim() || undefined,
    sort: q.sort === 'last' ? undefined : q.sort,
    config: q.config,
    version: q.version,
    status: q.status,
    owner: q.owner,
    period: q.period,
    screenshot: q.screenshot,
    files: q.files,
    crash: q.crash,
    category: q.category,
  };
  const { page, found, truncated, problems, categories } = store.read((db) => {
    const hits = search ? searchCache.get(db, `${search.match}\u0000${search.exact}`, () => searchErrors(db, search)) : undefined;
    const ids = hits?.errorIds;
    const sort = q.sort;
    const page: ProblemPage =
      sort === 'trend'
        ? trendPage(db, orders, filter, cursorIds(q), PAGE_SIZE, now, ids)
        : sortedPage(db, orders, sort, filter, cursorOfList(orders, { ...q, sort }, (id) => readProblem(db, id)), ids);
    const today = dayOf(now);
    const days = lastDays(today, SPARK_DAYS);
    const problems = page.rows.map((p): ListedProblem => {
      const v = presentProblem(p, errorsOfProblem(db, p.id, ERRORS_PER_PROBLEM));
      const marked = search ? v.textParts.map((parts) => parts.map((part) => highlight(part, search.words))) : undefined;
      return { ...v, marked, spark: sparkline(problemDays(db, p.id, days[0]!), days), newToday: dayOf(p.first_seen) === today };
    });
    return { page, found: hits?.errorIds.length, truncated: hits?.truncated ?? false, problems, categories: errorCategories(db) };
  });
  const options = filterOptions(facets, filter);
  const path = `${base}s/errorsList`;
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  const keyOf = (r: ProblemRow) => (q.sort === 'trend' ? undefined : String(sortKeyOf(orders, r, q.sort)));
  const option = <T extends string>(values: readonly T[], label: (v: T) => string, selected: string | undefined) =>
    values.map((v) => ({ value: v, label: label(v), selected: v === selected }));
  return {
    filter,
    filtered: Object.entries(query).some(([k, v]) => k !== 'sort' && v !== undefined),
    ...options,
    problems,
    firstPage: q.before === undefined && q.after === undefined,
    newerHref: page.newer && first ? withQuery(path, { ...query, after: first.id, key: keyOf(first) }) : undefined,
    olderHref: page.older && last ? withQuery(path, { ...query, before: last.id, key: keyOf(last) }) : undefined,
    firstHref: withQuery(path, query),
    selfHref: withQuery(path, { ...query, before: q.before, after: q.after, key: q.key }),
    errorsHref: withQuery(path, { view: 'errors', config: filter.config, version: filter.version }),
    q: query.q,
    sort: q.sort,
    sorts: option(SORTS, (s) => SORT_LABELS[s], q.sort),
    statuses: option(STATUSES, (s) => statusText(s, 'X').replace(' в версии X', ''), q.status),
    periods: option(Object.keys(PERIODS) as (keyof typeof PERIODS)[], (p) => PERIOD_LABELS[p], q.period),
    mine: q.owner === 'me',
    owner: q.owner,
    status: q.status,
    period: q.period,
    screenshot: q.screenshot === '1',
    files: q.files === '1',
    crash: q.crash === '1',
    // A category no longer in the data (cleared, or typed by hand) stays visible and selected.
    categories: option(q.category !== undefined && !categories.includes(q.category) ? [q.category, ...categories] : categories, (c) => c, q.category),
    narrowed: [query.status, query.owner, query.period, query.screenshot, query.files, query.crash, query.category].some((v) => v !== undefined),
    found,
    truncated,
    query,
  };
}


function cursorIds(q: ErrorsListInput): { before?: number; after?: number } {
  return { before: q.before, after: q.after };
}

/**
 * before/after with the row's sort value from `key`; a link without it (the pages of
 * issue 10) takes the row's value now; a row that is gone starts at the top.
 */
function cursorOfList(orders: ListOrders, q: ErrorsListInput & { sort: ProblemSort }, read: (id: number) => ProblemRow | undefined): ProblemCursor {
  const id = q.before ?? q.after;
  if (id === undefined) return { first: true };
  const numeric = q.sort !== 'last' && q.sort !== 'first';
  let key: string | number | undefined = q.key === undefined ? undefined : numeric ? Number(q.key) : q.key;
  if (key === undefined || (typeof key === 'number' && !Number.isFinite(key))) {
    const row = read(id);
    if (!row) return { first: true };
    key = sortKeyOf(orders, row, q.sort);
  }
  return q.before !== undefined ? { before: { key, id } } : { after: { key, id } };
}

function sortedPage(db: Parameters<typeof listProblems>[0], orders: ListOrders, sort: ProblemSort, filter: ProblemFilter, cursor: ProblemCursor, ids: number[] | undefined): ProblemPage {
  // One row more than a page says whether the far side goes on, without a second query
  // (a searched page costs its sort of the found rows each time).
  const rows = listProblems(db, orders, sort, filter, cursor, PAGE_SIZE + 1, ids);
  const more = rows.length > PAGE_SIZE;
  if ('after' in cursor) {
    const page = more ? rows.slice(1) : rows;
    const last = page[page.length - 1];
    return { rows: page, newer: more, older: last ? hasProblemsBeyond(db, orders, sort, filter, last, 'older', ids) : false };
  }
  const page = rows.slice(0, PAGE_SIZE);
  const first = page[0];
  return { rows: page, older: more, newer: 'before' in cursor && first ? hasProblemsBeyond(db, orders, sort, filter, first, 'newer', ids) : false };
}
