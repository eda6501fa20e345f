import type { Database } from 'sql.js';
import { all, get, run } from './sql';
import { addProblemFlags, COUNT_FLAGGED_REPORT, COUNT_REPORT, recountProblemFlags, type ReportFlags } from './problem-flags-repo';

export type { ReportFlags } from './problem-flags-repo';

/** SQL of problems: where a new error goes, the counters, the state and its history. */

export interface ProblemRow {
  id: number;
  config_name: string;
  status: string;
  owner_login: string | null;
  owner_name: string | null;
  fixed_in: string | null;
  reason: string | null;
  rev: number;
  first_seen: string;
  last_seen: string;
  reports_total: number;
  computers: number;
  users: number;
  /** 1: "больше не принимать" (only with status wontfix). */
  no_more_reports: number;
  /** getInfo answers "no" and forced uploads not stored, flushed so far. */
  unasked_total: number;
  /** Stored reports (rows, not folded repeats) with a screenshot, with attached files, with a crash (migration 17). */
  screenshots: number;
  files: number;
  crashes: number;
}

export const PROBLEM_COLUMNS = `id, config_name, status, owner_login, owner_name, fixed_in, reason, rev, first_seen, last_seen,
  reports_total, computers, users, no_more_reports, unasked_total, screenshots, files, crashes`;

export function findProblemByKey(db: Database, keyHash: string): number | undefined {
  return get<{ problem_id: number }>(db, 'SELECT problem_id FROM problem_keys WHERE key_hash = ?', [keyHash])?.problem_id;
}

/** A new problem for a new error's key (status "новая", revision 1). */
export function insertProblem(db: Database, configName: string, keyHash: string, time: string): number {
  const id = get<{ id: number }>(db, 'INSERT INTO problems (config_name, first_seen, last_seen) VALUES (?, ?, ?) RETURNING id', [
    configName,
    time,
    time,
  ])!.id;
  run(db, 'INSERT OR REPLACE INTO problem_keys (key_hash, problem_id) VALUES (?, ?)', [keyHash, id]);
  return id;
}

export function setErrorProblem(db: Database, errorId: number, problemId: number): void {
  run(db, 'UPDATE errors SET problem_id = ? WHERE id = ?', [problemId, errorId]);
}

/** "не исправлять" with "больше не принимать": a report of it is counted, not stored. */
export function takesNoMoreReports(db: Database, problemId: number): boolean {
  return get(db, "SELECT 1 AS x FROM problems INDEXED BY problems_taking_no_more WHERE id = ? AND status = 'wontfix' AND no_more_reports = 1", [problemId]) !== undefined;
}

export function problemOfError(db: Database, errorId: number): number | undefined {
  return get<{ problem_id: number | null }>(db, 'SELECT problem_id FROM errors WHERE id = ?', [errorId])?.problem_id ?? undefined;
}

/** Remembers a computer (or a 1C user) of the problem; true when it was not known yet. */
export function addProblemComputer(db: Database, problemId: number, clientId: string): boolean {
  return run(db, 'INSERT OR IGNORE INTO problem_computers (problem_id, client_id) VALUES (?, ?)', [problemId, clientId]) > 0;
}

export function addProblemUser(db: Database, problemId: number, userName: string): boolean {
  return run(db, 'INSERT OR IGNORE INTO problem_users (problem_id, user_name) VALUES (?, ?)', [problemId, userName]) > 0;
}

/**
 * One more report of the problem. The flag counts ride on the same UPDATE (no statement
 * more per report); removals take them back by the trigger of migration 17.
 */
export function countProblemReport(db: Database, problemId: number, time: string, newComputer: boolean, newUser: boolean, flags?: ReportFlags): void {
  const head = [newComputer ? 1 : 0, newUser ? 1 : 0, time, time];
  if (!flags || !(flags.screenshot || flags.files || flags.crashed)) run(db, COUNT_REPORT, [...head, problemId]);
  else run(db, COUNT_FLAGGED_REPORT, [...head, flags.screenshot ? 1 : 0, flags.files ? 1 : 0, flags.crashed ? 1 : 0, problemId]);
}

/**
 * The state a report may reopen, only of a problem "исправлена" (the regression rule needs
 * nothing of the others): asked of the small index of such problems (migration 22) first.
 */
export function fixedProblemState(db: Database, problemId: number): (ProblemState & { rev: number; config_name: string }) | undefined {
  return get(
    db,
    `SELECT status, owner_login, owner_name, fixed_in, reason, no_more_reports, rev, config_name FROM problems
      WHERE id = (SELECT f.id FROM problems f INDEXED BY problems_fixed WHERE f.id = ? AND f.status = 'fixed')`,
    [problemId],
  );
}

export function readProblem(db: Database, problemId: number): ProblemRow | undefined {
  return get<ProblemRow>(db, `SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id = ?`, [problemId]);
}

export interface ProblemState {
  status: string;
  owner_login: string | null;
  owner_name: string | null;
  fixed_in: string | null;
  reason: string | null;
  /** 1: "больше не принимать" — a wontfix problem whose reports are no longer asked for or stored. */
  no_more_reports: number;
}

/** Writes the state on revision `rev` and makes it `rev + 1`; false when the revision moved. */
export function writeProblemState(db: Database, problemId: number, rev: number, s: ProblemState): boolean {
  return (
    run(db, 'UPDATE problems SET status = ?, owner_login = ?, owner_name = ?, fixed_in = ?, reason = ?, no_more_reports = ?, rev = rev + 1 WHERE id = ? AND rev = ?', [
      s.status,
      s.owner_login,
      s.owner_name,
      s.fixed_in,
      s.reason,
      s.no_more_reports,
      problemId,
      rev,
    ]) > 0
  );
}

/** A change without a state change (a comment, a merge, a split) still moves the revision. */
export function bumpRevision(db: Database, problemId: number): number {
  return get<{ rev: number }>(db, 'UPDATE problems SET rev = rev + 1 WHERE id = ? RETURNING rev', [problemId])!.rev;
}

export interface EventRow {
  id: number;
  rev: number;
  at: string;
  login: string | null;
  name: string | null;
  kind: string;
  data: string;
}

export function insertEvent(db: Database, problemId: number, e: Omit<EventRow, 'id'>): void {
  run(db, 'INSERT INTO problem_events (problem_id, rev, at, login, name, kind, data) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    problemId,
    e.rev,
    e.at,
    e.login,
    e.name,
    e.kind,
    e.data,
  ]);
}

/** The history, newest first, at most `limit`. */
export function eventsOf(db: Database, problemId: number, limit: number): EventRow[] {
  return all<EventRow>(
    db,
    'SELECT id, rev, at, login, name, kind, data FROM problem_events WHERE problem_id = ? ORDER BY id DESC LIMIT ?',
    [problemId, limit],
  );
}

/** What happened after revision `rev`, oldest first: what a stale page did not see. */
export function eventsSince(db: Database, problemId: number, rev: number, limit: number): EventRow[] {
  return all<EventRow>(
    db,
    'SELECT id, rev, at, login, name, kind, data FROM problem_events WHERE problem_id = ? AND rev > ? ORDER BY id LIMIT ?',
    [problemId, rev, limit],
  );
}

export interface ProblemErrorRow {
  id: number;
  problem_id: number;
  config_version: string;
  extensions: string;
  reports_total: number;
  computers: number;
  texts: string;
  detailed: number;
}

/**
 * The newest `limit` unique errors of a problem, oldest of them first. Bounded, and the
 * newest ones: anyone can make a problem grow by sending new versions, and the list shows
 * the newest versions and texts.
 */
export function errorsOfProblem(db: Database, problemId: number, limit: number): ProblemErrorRow[] {
  return all<ProblemErrorRow>(
    db,
    'SELECT id, problem_id, config_version, extensions, reports_total, computers, texts, detailed FROM errors WHERE problem_id = ? ORDER BY id DESC LIMIT ?',
    [problemId, limit],
  ).reverse();
}

/** Moves every unique error and key of `from` into `into` and deletes `from`. */
export function mergeProblemRows(db: Database, from: number, into: number): void {
  run(db, 'UPDATE errors SET problem_id = ? WHERE problem_id = ?', [into, from]);
  run(db, 'UPDATE problem_keys SET problem_id = ? WHERE problem_id = ?', [into, from]);
  // Its history joins the target's as old news (rev 0): revisions are per problem.
  run(db, 'UPDATE problem_events SET problem_id = ?, rev = 0 WHERE problem_id = ?', [into, from]);
  run(db, 'UPDATE notices SET problem_id = ? WHERE problem_id = ?', [into, from]);
  run(
    db,
    `INSERT INTO problem_unasked (problem_id, day, version, count) SELECT ?, day, version, count FROM problem_unasked WHERE problem_id = ? AND true
       ON CONFLICT (problem_id, day, version) DO UPDATE SET count = count + excluded.count`,
    [into, from],
  );
  run(db, 'UPDATE problems SET unasked_total = unasked_total + (SELECT unasked_total FROM problems WHERE id = ?) WHERE id = ?', [from, into]);
  addProblemFlags(db, from, into);
  // The distinct computers and users join from the source's own sets: no walk over the
  // reports (a hot problem has a million), and what retention removed is still counted.
  run(db, 'INSERT OR IGNORE INTO problem_computers (problem_id, client_id) SELECT ?, client_id FROM problem_computers WHERE problem_id = ?', [into, from]);
  run(db, 'INSERT OR IGNORE INTO problem_users (problem_id, user_name) SELECT ?, user_name FROM problem_users WHERE problem_id = ?', [into, from]);
  deleteProblem(db, from);
  refreshProblemTotals(db, into);
}

/** A problem and its sets (its errors have gone elsewhere or been cleared). */
export function deleteProblem(db: Database, problemId: number): void {
  run(db, 'DELETE FROM problem_computers WHERE problem_id = ?', [problemId]);
  run(db, 'DELETE FROM problem_users WHERE problem_id = ?', [problemId]);
  run(db, 'DELETE FROM problem_keys WHERE problem_id = ?', [problemId]);
  run(db, 'DELETE FROM problem_unasked WHERE problem_id = ?', [problemId]);
  run(db, 'DELETE FROM problems WHERE id = ?', [problemId]);
}

/**
 * Counts a problem again from its errors and their stored reports (after a merge, a split
 * or a clear); a problem left without errors is deleted with its history. Returns whether
 * it still exists.
 */
export function recountProblem(db: Database, problemId: number): boolean {
  const any = get(db, 'SELECT 1 AS x FROM errors WHERE problem_id = ? LIMIT 1', [problemId]);
  if (!any) {
    run(db, 'DELETE FROM problem_events WHERE problem_id = ?', [problemId]);
    deleteProblem(db, problemId);
    return false;
  }
  run(db, 'DELETE FROM problem_computers WHERE problem_id = ?', [problemId]);
  run(db, 'DELETE FROM problem_users WHERE problem_id = ?', [problemId]);
  run(
    db,
    `INSERT OR IGNORE INTO problem_computers (problem_id, client_id)
       SELECT ?, r.client_id FROM errors e JOIN reports r ON r.error_id = e.id WHERE e.problem_id = ? AND r.client_id IS NOT NULL`,
    [problemId, problemId],
  );
  run(
    db,
    `INSERT OR IGNORE INTO problem_users (problem_id, user_name)
       SELECT ?, u.user_name FROM errors e JOIN reports r ON r.error_id = e.id JOIN report_envs u ON u.id = r.env_id
        WHERE e.problem_id = ? AND u.user_name IS NOT NULL AND u.user_name <> ''`,
    [problemId, problemId],
  );
  refreshProblemTotals(db, problemId);
  recountProblemFlags(db, problemId);
  return true;
}

/** A problem's totals from its unique errors and its sets of computers and users. */
function refreshProblemTotals(db: Database, problemId: number): void {
  run(
    db,
    `UPDATE problems SET
       reports_total = (SELECT COALESCE(SUM(reports_total), 0) FROM errors WHERE problem_id = :p),
       first_seen = (SELECT MIN(first_seen) FROM errors WHERE problem_id = :p),
       last_seen = (SELECT MAX(last_seen) FROM errors WHERE problem_id = :p),
       computers = (SELECT COUNT(*) FROM problem_computers WHERE problem_id = :p),
       users = (SELECT COUNT(*) FROM problem_users WHERE problem_id = :p)
     WHERE id = :p`,
    { ':p': problemId },
  );
}


/** The problems a set of errors belongs to (one bound JSON array, as clear-repo does). */
export function problemsOfErrors(db: Database, errorIds: number[]): number[] {
  if (errorIds.length === 0) return [];
  return all<{ problem_id: number }>(
    db,
    // Each error's problem from the two-integer index (migration 16), not its half-kilobyte row.
    'SELECT DISTINCT problem_id FROM errors INDEXED BY errors_problem_by_id WHERE id IN (SELECT value FROM json_each(?)) AND problem_id IS NOT NULL',
    [JSON.stringify(errorIds)],
  ).map((r) => r.problem_id);
}

export function enqueueProblemNotice(
  db: Database,
  n: { kind: 'regression' | 'owner'; errorId: number; problemId: number; configName: string; recipient: string | null; at: string },
): void {
  run(db, 'INSERT INTO notices (error_id, config_name, created_at, next_attempt_at, kind, problem_id, recipient) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    n.errorId,
    n.configName,
    n.at,
    n.at,
    n.kind,
    n.problemId,
    n.recipient,
  ]);
}
