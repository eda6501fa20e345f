import type { Database } from 'sql.js';
import { uidKeySql } from './compact-values';
import { all, get, run, tuples } from './sql';

/**
 * SQL of removing stored data in batches (background clear and retention). Sets travel as
 * ONE bound JSON array read with json_each, so every text stays constant however many go.
 */

export interface ReportTotals {
  reports: number;
  bytes: number;
}

/** Stored reports of one configuration and version, and the bytes of their zips. */
export function reportTotalsOf(db: Database, configName: string, configVersion: string): ReportTotals {
  return (
    get<ReportTotals>(
      db,
      `SELECT COUNT(*) AS reports, COALESCE(SUM(r.zip_size), 0) AS bytes
         FROM errors e JOIN reports r ON r.error_id = e.id
        WHERE e.config_name = ? AND e.config_version = ?`,
      [configName, configVersion],
    ) ?? { reports: 0, bytes: 0 }
  );
}

/**
 * Stored reports of one configuration and version, counted in the index by error alone (no
 * report row is read): what a confirmed clear needs to show progress. At 1M reports the
 * totals with bytes, which read every row, held the loop 240 ms inside that write.
 */
export function reportCountOf(db: Database, configName: string, configVersion: string): number {
  return (
    get<{ n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM errors e JOIN reports r INDEXED BY reports_by_error ON r.error_id = e.id
        WHERE e.config_name = ? AND e.config_version = ?`,
      [configName, configVersion],
    )?.n ?? 0
  );
}

/**
 * Errors of one configuration and version that someone is working on: their problem is
 * «в работе» or «регрессия» (the clear plan warns that they go too) — how many, and the first
 * `named` of them by number with their problem, in one walk of the group's errors.
 */
export function workedOnErrorsOf(db: Database, configName: string, configVersion: string, named: number): { count: number; first: { id: number; problemId: number }[] } {
  const rows = tuples<[id: number, problemId: number, count: number]>(
    db,
    `SELECT e.id, e.problem_id, COUNT(*) OVER () FROM errors e JOIN problems p ON p.id = e.problem_id
      WHERE e.config_name = ? AND e.config_version = ? AND p.status IN ('in-work', 'regression') ORDER BY e.id LIMIT ?`,
    [configName, configVersion, named],
  );
  return { count: rows[0]?.[2] ?? 0, first: rows.map(([id, problemId]) => ({ id, problemId })) };
}

/** The next error of a configuration version after `afterId` (errors_by_config). */
export function nextErrorOf(db: Database, configName: string, configVersion: string, afterId: number): number | undefined {
  return get<{ id: number }>(db, 'SELECT id FROM errors WHERE config_name = ? AND config_version = ? AND id > ? ORDER BY id LIMIT 1', [
    configName,
    configVersion,
    afterId,
  ])?.id;
}

/** A report about to be removed: what removal needs of it. */
export interface RemovableReport {
  id: number;
  uid: string | null;
  zip_name: string;
  zip_size: number;
}

/** The oldest `limit` reports of an error (reports_by_error). */
export function oldestReportsOf(db: Database, errorId: number, limit: number): RemovableReport[] {
  return all<RemovableReport>(db, 'SELECT id, uid, zip_name, zip_size FROM reports WHERE error_id = ? ORDER BY id LIMIT ?', [errorId, limit]);
}

/**
 * Removes report rows and their own ids, and records their zips in pending_deletes: the
 * files go after the transaction is durable (and at start-up if the process dies first).
 * The ids of repeats folded into them are swept later (report_uids has no index on
 * report_id: it would cost every intake write).
 */
export function removeReports(db: Database, reports: RemovableReport[]): void {
  if (reports.length === 0) return;
  run(db, 'INSERT OR IGNORE INTO pending_deletes (zip_name) SELECT value FROM json_each(?)', [JSON.stringify(reports.map((r) => r.zip_name))]);
  const uids = reports.map((r) => r.uid).filter((u): u is string => u !== null);
  if (uids.length) run(db, FORGET_UIDS, [JSON.stringify(uids)]);
  run(db, 'DELETE FROM reports WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(reports.map((r) => r.id))]);
}

/** Removes an error that has no reports left, with its notices. */
export function removeErrorRow(db: Database, errorId: number): void {
  run(db, 'DELETE FROM notices WHERE error_id = ?', [errorId]);
  run(db, 'DELETE FROM errors WHERE id = ?', [errorId]);
}

/** report_uids is keyed by the stored form of a uid (storage/compact-values.ts); these take and give the text. */
const FORGET_UIDS = `DELETE FROM report_uids WHERE key IN (SELECT ${uidKeySql('value')} FROM json_each(?))`;
const UIDS_AFTER = `SELECT uid, EXISTS (SELECT 1 FROM reports r WHERE r.id = u.report_id) AS alive FROM report_uids u
  WHERE key > ${uidKeySql(':after')} ORDER BY key LIMIT :limit`;

/** Report ids after `afterUid` (keyset over the primary key), with whether their report still exists. */
export function reportUidsAfter(db: Database, afterUid: string, limit: number): { uid: string; alive: number }[] {
  return all<{ uid: string; alive: number }>(db, UIDS_AFTER, { ':after': afterUid, ':limit': limit });
}

export function forgetReportUids(db: Database, uids: string[]): number {
  if (uids.length === 0) return 0;
  return run(db, FORGET_UIDS, [JSON.stringify(uids)]);
}

/** Zips waiting for deletion, in name order, after `afterName` (keyset). */
export function pendingDeletes(db: Database, afterName: string, limit: number): string[] {
  return all<{ zip_name: string }>(db, 'SELECT zip_name FROM pending_deletes WHERE zip_name > ? ORDER BY zip_name LIMIT ?', [
    afterName,
    limit,
  ]).map((r) => r.zip_name);
}

/** The files are gone: forget them. */
export function forgetPendingDeletes(db: Database, names: string[]): number {
  if (names.length === 0) return 0;
  return run(db, 'DELETE FROM pending_deletes WHERE zip_name IN (SELECT value FROM json_each(?))', [JSON.stringify(names)]);
}
