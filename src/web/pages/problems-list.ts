import type { ErrorFilter } from '../../storage/pages-repo';
import { hasProblemsBeyond, listProblems } from '../../storage/problem-list-repo';
import { errorsOfProblem } from '../../storage/problems-repo';
import type { Store } from '../../storage/store';
import { filterOptions, type ErrorsListInput, type ListPage } from './errors-list';
import type { FacetsCache } from './facets';
import { cursorOf, isFirstPage, PAGE_SIZE, withQuery } from './params';
import { presentProblem, type ProblemView } from './present-problem';

/** A problem spans few versions and extension sets; more than this is shown as "…". */
export const ERRORS_PER_PROBLEM = 200;

export interface ProblemsListView extends ListPage {
  problems: ProblemView[];
  /** The same filter, as the list of unique errors. */
  errorsHref: string;
}

/** errorsList (default view): one page of problems, newest first, with the same filter as the unique errors. */
export function problemsListView(store: Store, facets: FacetsCache, q: ErrorsListInput, base: string): ProblemsListView {
  const filter: ErrorFilter = { config: q.config, version: q.version };
  const cursor = cursorOf(q);
  const { problems, older, newer } = store.read((db) => {
    const rows = listProblems(db, filter, cursor, PAGE_SIZE);
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      problems: rows.map((p) => presentProblem(p, errorsOfProblem(db, p.id, ERRORS_PER_PROBLEM))),
      newer: first ? hasProblemsBeyond(db, filter, first.id, 'newer') : false,
      older: last ? hasProblemsBeyond(db, filter, last.id, 'older') : false,
    };
  });
  const options = filterOptions(facets, filter);
  const path = `${base}s/errorsList`;
  const keep = { config: filter.config, version: filter.version };
  return {
    filter,
    filtered: filter.config !== undefined || filter.version !== undefined,
    ...options,
    problems,
    firstPage: isFirstPage(cursor),
    newerHref: newer && problems[0] ? withQuery(path, { ...keep, after: problems[0].id }) : undefined,
    olderHref: older && problems.length ? withQuery(path, { ...keep, before: problems[problems.length - 1]!.id }) : undefined,
    firstHref: withQuery(path, keep),
    errorsHref: withQuery(path, { view: 'errors', ...keep }),
  };
}
