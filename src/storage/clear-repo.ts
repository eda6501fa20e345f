import type { Database } from 'sql.js';
import { all, get, run } from './sql';

/**
 * SQL of the clear use case. Sets of error ids travel as ONE bound JSON array read with
 * json_each, so every text stays constant however many errors go.
 */

export function errorIdsOf(db: Database, configName: string, configVersion: string): number[] {
  return all<{ id: number }>(db, 'SELECT id FROM errors WHERE config_name = ? AND config_version = ?', [configName, configVersion]).map(
    (r) => r.id,
  );
}

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

export interface Removed {
  errors: number;
  reports: number;
  bytes: number;
}

/**
 * Removes errors with their reports, report ids and notices, and records every removed
 * zip in pending_deletes — meant to run inside one store.write, so a crash leaves either
 * everything or nothing, and the files are finished later from pending_deletes.
 */
export function removeErrors(db: Database, errorIds: number[]): Removed {
  if (errorIds.length === 0) return { errors: 0, reports: 0, bytes: 0 };
  const ids = JSON.stringify(errorIds);
  const totals = get<{ reports: number; bytes: number }>(
    db,
    'SELECT COUNT(*) AS reports, COALESCE(SUM(zip_size), 0) AS bytes FROM reports WHERE error_id IN (SELECT value FROM json_each(?))',
    [ids],
  ) ?? { reports: 0, bytes: 0 };
  run(db, 'INSERT OR IGNORE INTO pending_deletes (zip_name) SELECT zip_name FROM reports WHERE error_id IN (SELECT value FROM json_each(?))', [ids]);
  // report_uids has no index on report_id (it would cost every intake write): one scan here.
  run(db, 'DELETE FROM report_uids WHERE report_id IN (SELECT id FROM reports WHERE error_id IN (SELECT value FROM json_each(?)))', [ids]);
  run(db, 'DELETE FROM reports WHERE error_id IN (SELECT value FROM json_each(?))', [ids]);
  run(db, 'DELETE FROM notices WHERE error_id IN (SELECT value FROM json_each(?))', [ids]);
  const errors = run(db, 'DELETE FROM errors WHERE id IN (SELECT value FROM json_each(?))', [ids]);
  return { errors, reports: totals.reports, bytes: totals.bytes };
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
