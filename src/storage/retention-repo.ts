import type { Database } from 'sql.js';
import type { RemovableReport } from './clear-repo';
import { all, get } from './sql';

/** SQL of retention: walking reports by id (= by receipt) and what each error must keep. */

export interface AgedReport extends RemovableReport {
  error_id: number;
  received_at: string;
}

/** The next reports after `afterId`, oldest first (the primary key: no sort). */
export function reportsAfter(db: Database, afterId: number, limit: number): AgedReport[] {
  return all<AgedReport>(db, 'SELECT id, error_id, uid, zip_name, zip_size, received_at FROM reports WHERE id > ? ORDER BY id LIMIT ?', [
    afterId,
    limit,
  ]);
}

/** The error's first stored report (reports_by_error). */
export function firstReportId(db: Database, errorId: number): number | undefined {
  return get<{ id: number }>(db, 'SELECT id FROM reports WHERE error_id = ? ORDER BY id LIMIT 1', [errorId])?.id;
}

/** The id of the error's k-th newest report (k ≥ 1), or undefined when it has fewer. */
export function kthNewestReportId(db: Database, errorId: number, k: number): number | undefined {
  return get<{ id: number }>(db, 'SELECT id FROM reports WHERE error_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?', [errorId, k - 1])?.id;
}
