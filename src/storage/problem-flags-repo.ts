import type { Database } from 'sql.js';
import { run } from './sql';

/**
 * SQL of the problems' filter counts (migration 17): how many of a problem's stored report
 * rows have a screenshot, attached files, a crash. Intake adds in its one UPDATE per report
 * (problems-repo countProblemReport), the triggers of migration 17 take a removed row's share
 * back; a merge adds the counts up, a recount (split, clear) reads them from the reports.
 */

/** What a stored report adds to its problem's filter counts (none for a folded repeat). */
export interface ReportFlags {
  screenshot: boolean;
  files: boolean;
  crashed: boolean;
}

/** Intake's UPDATE of a problem per report, for a report without any flag. */
export const COUNT_REPORT = `UPDATE problems SET reports_total = reports_total + 1, computers = computers + ?, users = users + ?,
       last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END
     WHERE id = ?`;

/** The same with the flag counts: their partial indexes move only for a report that has a flag. */
export const COUNT_FLAGGED_REPORT = `UPDATE problems SET reports_total = reports_total + 1, computers = computers + ?, users = users + ?,
       last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END,
       screenshots = screenshots + ?, files = files + ?, crashes = crashes + ?
     WHERE id = ?`;

/** A merge: the stored reports move with their errors, so their counts add up. */
export function addProblemFlags(db: Database, from: number, into: number): void {
  run(
    db,
    `UPDATE problems SET screenshots = problems.screenshots + f.screenshots, files = problems.files + f.files, crashes = problems.crashes + f.crashes
       FROM (SELECT screenshots, files, crashes FROM problems WHERE id = ?) AS f WHERE problems.id = ?`,
    [from, into],
  );
}

/** The counts from the stored reports of the problem's errors now (a split moved some away, a clear removed some). */
export function recountProblemFlags(db: Database, problemId: number): void {
  run(
    db,
    `UPDATE problems SET screenshots = COALESCE(c.s, 0), files = COALESCE(c.f, 0), crashes = COALESCE(c.c, 0)
       FROM (SELECT SUM(r.has_screenshot IS 1) AS s, SUM(r.has_files IS 1) AS f, SUM(r.crashed IS 1) AS c
               FROM errors e JOIN reports r ON r.error_id = e.id WHERE e.problem_id = :p) AS c
      WHERE problems.id = :p`,
    { ':p': problemId },
  );
}
