import type { z } from 'zod';
import { findError, hasReportsBeyond, listReports } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';
import { NotFoundError } from '../../errors';
import { CursorQuery, cursorOf, isFirstPage, PAGE_SIZE, withQuery } from './params';
import { presentError, presentReport, type ErrorView, type ReportView } from './present';

export const ReportsQuery = CursorQuery;

export interface ErrorPageView {
  error: ErrorView;
  reports: ReportView[];
  firstPage: boolean;
  newerHref?: string;
  olderHref?: string;
  firstHref: string;
  zipBase: string;
  reportBase: string;
}

/** reports/N: the error and one page of its reports, newest first. Unknown N → 404. */
export function errorPageView(store: Store, errorId: number, q: z.infer<typeof ReportsQuery>, base: string): ErrorPageView {
  const cursor = cursorOf(q);
  const found = store.read((db) => {
    const error = findError(db, errorId);
    if (!error) return undefined;
    const rows = listReports(db, errorId, cursor, PAGE_SIZE);
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      error,
      rows,
      newer: first ? hasReportsBeyond(db, errorId, first.id, 'newer') : false,
      older: last ? hasReportsBeyond(db, errorId, last.id, 'older') : false,
    };
  });
  if (!found) throw new NotFoundError(`Ошибка №${errorId} не найдена. Возможно, она удалена очисткой.`);
  const path = `${base}s/reports/${errorId}`;
  const { rows } = found;
  return {
    error: presentError(found.error),
    reports: rows.map(presentReport),
    firstPage: isFirstPage(cursor),
    newerHref: found.newer && rows[0] ? withQuery(path, { after: rows[0].id }) : undefined,
    olderHref: found.older && rows.length ? withQuery(path, { before: rows[rows.length - 1]!.id }) : undefined,
    firstHref: path,
    zipBase: `${path}/zip/`,
    reportBase: `${base}s/report/`,
  };
}
