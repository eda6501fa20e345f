import type { Database } from 'sql.js';
import { all, run } from './sql';

/** SQL of the one-time re-examination of stored reports for attached files (registry/attachments-rescan.ts). */

/** Left by migration 3. */
export const RESCAN_CURSOR = 'rescan_attachments_after';

/** Reports taken for "no files", after `afterId`, in id order (walks the primary key). */
export function nextToRescan(db: Database, afterId: number, limit: number): { id: number; zip_name: string }[] {
  return all(db, 'SELECT id, zip_name FROM reports WHERE id > ? AND has_files = 0 ORDER BY id LIMIT ?', [afterId, limit]);
}

/** A report with attached files is never a fold target again (its problem's count follows by trigger, migration 17). */
export function markHasFiles(db: Database, reportId: number): void {
  run(db, 'UPDATE reports SET has_files = 1, groupable = 0 WHERE id = ?', [reportId]);
}
