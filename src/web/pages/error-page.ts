import type { z } from 'zod';
import type { Database } from 'sql.js';
import { findError, hasReportsBeyond, listReports, newestErrorId } from '../../storage/pages-repo';
import { jobOf, lastRunOf } from '../../storage/jobs-repo';
import { formatDateTime } from '../render';
import type { Store } from '../../storage/store';
import { errorsOfProblem, eventsOf, problemOfError, readProblem } from '../../storage/problems-repo';
import { NotFoundError } from '../../errors';
import { ERRORS_PER_PROBLEM } from './problems-list';
import { presentEvent, presentProblem, type HistoryItem, type ProblemView } from './present-problem';
import { CursorQuery, cursorOf, isFirstPage, PAGE_SIZE, withQuery } from './params';
import { dayOf } from '../../registry/days';
import { problemVersionDays } from '../../storage/days-repo';
import { lastDays, versionChart, type DayChart } from './day-chart';
import { presentError, presentReport, type ErrorView, type ReportView } from './present';

export const ReportsQuery = CursorQuery;

/** The newest history entries shown on the page. */
const HISTORY_LIMIT = 200;

export interface ErrorPageView {
  error: ErrorView;
  /** The problem it belongs to, its unique errors, and its history newest first. */
  problem: ProblemView | undefined;
  history: HistoryItem[];
  /** Reports per day of the problem over CHART_DAYS, by version. */
  chart: DayChart | undefined;
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
    if (!error) return { missing: missingError(db, errorId) };
    const rows = listReports(db, errorId, cursor, PAGE_SIZE);
    const problemId = problemOfError(db, errorId);
    const problem = problemId === undefined ? undefined : readProblem(db, problemId);
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      error,
      rows,
      problem: problem && presentProblem(problem, errorsOfProblem(db, problem.id, ERRORS_PER_PROBLEM)),
      history: problem ? eventsOf(db, problem.id, HISTORY_LIMIT).map(presentEvent) : [],
      chart: problem ? chartOf(db, problem.id) : undefined,
      newer: first ? hasReportsBeyond(db, errorId, first.id, 'newer') : false,
      older: last ? hasReportsBeyond(db, errorId, last.id, 'older') : false,
    };
  });
  if ('missing' in found) throw found.missing;
  const path = `${base}s/reports/${errorId}`;
  const { rows } = found;
  return {
    error: presentError(found.error),
    problem: found.problem,
    history: found.history,
    chart: found.chart,
    reports: rows.map(presentReport),
    firstPage: isFirstPage(cursor),
    newerHref: found.newer && rows[0] ? withQuery(path, { after: rows[0].id }) : undefined,
    olderHref: found.older && rows.length ? withQuery(path, { before: rows[rows.length - 1]!.id }) : undefined,
    firstHref: path,
    zipBase: `${path}/zip/`,
    reportBase: `${base}s/report/`,
  };
}

/** Days in the error page's chart. */
export const CHART_DAYS = 90;

function chartOf(db: Database, problemId: number): DayChart {
  const days = lastDays(dayOf(Date.now()), CHART_DAYS);
  return versionChart(problemVersionDays(db, problemId, days[0]!), days);
}

/**
 * What a link to a gone error (from an old mail, say) is told. Error rows are removed only by
 * a clear, and ids are given in increasing order: an id below the newest one existed and was
 * cleared. Above it, the number may also never have been given.
 */
function missingError(db: Database, errorId: number): NotFoundError {
  const last = lastRunOf(db, 'clear');
  const when = jobOf(db, 'clear') ? ' (очистка идёт сейчас)' : last ? ` (последняя очистка завершена ${formatDateTime(last.finishedAt)})` : '';
  const hint = 'Очистка удаляет ошибки конфигураций и версий, которые правила приёма больше не принимают. Если ошибка повторится, она появится в списке под новым номером.';
  if (errorId < newestErrorId(db)) return new NotFoundError(`Ошибки №${errorId} больше нет: она удалена очисткой${when}.`, hint);
  return new NotFoundError(`Ошибки №${errorId} нет: возможно, она удалена очисткой${when}, или такого номера ещё не было.`, hint);
}
