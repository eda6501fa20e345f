import { z } from 'zod';
import { hasErrorsBeyond, listErrors, type ErrorFilter } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';
import type { FacetsCache } from './facets';
import { CursorQuery, cursorOf, isFirstPage, PAGE_SIZE, withQuery } from './params';
import { compareVersions } from '../../registry/version';
import { formatCount, presentErrorSummary, type ErrorView } from './present';
import { ProblemListQuery } from './list-query';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const ErrorsListQuery = CursorQuery.extend({
  view: z.enum(['problems', 'errors'], { error: 'ожидается problems или errors' }).default('problems'),
  config: z.preprocess(blankToUndefined, z.string().max(200, 'слишком длинное имя конфигурации').optional()),
  version: z.preprocess(blankToUndefined, z.string().max(100, 'слишком длинная версия').optional()),
  ...ProblemListQuery.shape,
});

export type ErrorsListInput = z.infer<typeof ErrorsListQuery>;

export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

/** What both lists of errorsList show: the filter with its counts, and the pager. */
export interface ListPage {
  filter: ErrorFilter;
  filtered: boolean;
  configs: Option[];
  versions: Option[];
  /** Unique errors matching the filter (from the briefly cached counts). */
  matching: string;
  anyErrors: boolean;
  firstPage: boolean;
  newerHref?: string;
  olderHref?: string;
  firstHref: string;
}

export interface ErrorsListView extends ListPage {
  errors: ErrorView[];
  /** The same filter, as problems. */
  problemsHref: string;
}

/** errorsList: one page of unique errors, newest first, with the filter's options and counts. */
export function errorsListView(store: Store, facets: FacetsCache, q: ErrorsListInput, base: string): ErrorsListView {
  const filter: ErrorFilter = { config: q.config, version: q.version };
  const cursor = cursorOf(q);
  const { rows, older, newer } = store.read((db) => {
    const rows = listErrors(db, filter, cursor, PAGE_SIZE);
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      rows,
      newer: first ? hasErrorsBeyond(db, filter, first.id, 'newer') : false,
      older: last ? hasErrorsBeyond(db, filter, last.id, 'older') : false,
    };
  });

  const { configs, versions, matching, anyErrors } = filterOptions(facets, filter);
  const path = `${base}s/errorsList`;
  const keep = { view: 'errors', config: filter.config, version: filter.version };
  return {
    filter,
    filtered: filter.config !== undefined || filter.version !== undefined,
    configs,
    versions,
    matching,
    anyErrors,
    errors: rows.map(presentErrorSummary),
    firstPage: isFirstPage(cursor),
    newerHref: newer && rows[0] ? withQuery(path, { ...keep, after: rows[0].id }) : undefined,
    olderHref: older && rows.length ? withQuery(path, { ...keep, before: rows[rows.length - 1]!.id }) : undefined,
    firstHref: withQuery(path, keep),
    problemsHref: withQuery(path, { config: filter.config, version: filter.version }),
  };
}

/** The filter's options with their counts (of unique errors), and how many match. */
export function filterOptions(facets: FacetsCache, filter: ErrorFilter): { configs: Option[]; versions: Option[]; matching: string; anyErrors: boolean } {
  const all = facets.get();
  const byConfig = new Map<string, number>();
  for (const f of all) byConfig.set(f.config_name, (byConfig.get(f.config_name) ?? 0) + f.n);
  const byVersion = new Map<string, number>();
  for (const f of all) {
    if (filter.config === undefined || f.config_name === filter.config) byVersion.set(f.config_version, (byVersion.get(f.config_version) ?? 0) + f.n);
  }
  const matching = all
    .filter((f) => (filter.config === undefined || f.config_name === filter.config) && (filter.version === undefined || f.config_version === filter.version))
    .reduce((n, f) => n + f.n, 0);

  const configs = [...byConfig].map(([name, n]) => ({ value: name, label: `${name} (${formatCount(n)})`, selected: name === filter.config }));
  // A filter value no longer in the data (cleared, or typed by hand) stays visible and selected.
  if (filter.config !== undefined && !byConfig.has(filter.config)) configs.unshift({ value: filter.config, label: `${filter.config} (0)`, selected: true });
  const versions = [...byVersion]
    .sort(([a], [b]) => compareVersions(b, a))
    .map(([v, n]) => ({ value: v, label: `${v} (${formatCount(n)})`, selected: v === filter.version }));
  if (filter.version !== undefined && !byVersion.has(filter.version)) versions.unshift({ value: filter.version, label: `${filter.version} (0)`, selected: true });

  return { configs, versions, matching: formatCount(matching), anyErrors: all.length > 0 };
}
