import type { Database } from 'sql.js';
import { get, all, run } from './sql';

/** SQL of the one-time re-examination of stored reports for attached files (registry/attachments-rescan.ts). */

/** Left by migration 3. */
const CURSOR = 'rescan_attachments_after';

/** The last report id examined, or undefined when no pass is due. */
export function rescanCursor(db: Database): number | undefined {
  const row = get<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [CURSOR]);
  return row ? Number(row.value) : undefined;
}

export function setRescanCursor(db: Database, afterId: number): void {
  run(db, 'UPDATE meta SET value = ? WHERE key = ?', [String(afterId), CURSOR]);
}

export function endAttachmentRescan(db: Database): void {
  run(db, 'DELETE FROM meta WHERE key = ?', [CURSOR]);
}

/** Reports taken for "no files", after `afterId`, in id order (walks the primary key). */
export function nextToRescan(db: Database, afterId: number, limit: number): { id: number; zip_name: string }[] {
  return all(db, 'SELECT id, zip_name FROM reports WHERE id > ? AND has_files = 0 ORDER BY id LIMIT ?', [afterId, limit]);
}

/** A report with attached files is never a fold target again. */
export function markHasFiles(db: Database, reportId: number): void {
  run(db, 'UPDATE reports SET has_files = 1, groupable = 0 WHERE id = ?', [reportId]);
}
