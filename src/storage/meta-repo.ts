import type { Database } from 'sql.js';
import { get, run } from './sql';

/** SQL of the cursors a migration leaves for a one-time background pass (registry/zip-pass.ts). */

/** The last id the pass did, or undefined when no pass is due. */
export function passCursor(db: Database, key: string): number | undefined {
  const row = get<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [key]);
  return row ? Number(row.value) : undefined;
}

export function setPassCursor(db: Database, key: string, afterId: number): void {
  run(db, 'UPDATE meta SET value = ? WHERE key = ?', [String(afterId), key]);
}

export function endPassCursor(db: Database, key: string): void {
  run(db, 'DELETE FROM meta WHERE key = ?', [key]);
}
