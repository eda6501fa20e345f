import type { Database } from 'sql.js';
import { all } from './sql';

/**
 * Per-day reports of one problem, summed over its unique errors: errors_by_problem, then
 * each error's days by the (error_id, day) key from `fromDay` on.
 */
export function problemDays(db: Database, problemId: number, fromDay: string): { day: string; reports: number }[] {
  return all(
    db,
    `SELECT d.day, sum(d.reports) AS reports FROM errors e JOIN error_days d ON d.error_id = e.id AND d.day >= ?
      WHERE e.problem_id = ? GROUP BY d.day`,
    [fromDay, problemId],
  );
}

/** The same per version of the configuration (the error page's chart). */
export function problemVersionDays(db: Database, problemId: number, fromDay: string): { version: string; day: string; reports: number }[] {
  return all(
    db,
    `SELECT e.config_version AS version, d.day, sum(d.reports) AS reports FROM errors e JOIN error_days d ON d.error_id = e.id AND d.day >= ?
      WHERE e.problem_id = ? GROUP BY e.config_version, d.day`,
    [fromDay, problemId],
  );
}
