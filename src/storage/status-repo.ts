import type { Database } from 'sql.js';
import type { DataTotals } from '../diagnostics/status';
import { get } from './sql';

/** Row counts for the status page: SQLite counts a table by its b-tree pages, a few ms at 1M rows. */
export function dataTotals(db: Database): DataTotals {
  const count = (sql: string) => get<{ n: number }>(db, sql)?.n ?? 0;
  return {
    errors: count('SELECT count(*) AS n FROM errors'),
    reports: count('SELECT count(*) AS n FROM reports'),
    pendingNotices: count('SELECT count(*) AS n FROM notices'),
  };
}

/** Bytes of the zips of up to `limit` reports after `afterId` (keyset, so a sum over 1M rows runs in slices). */
export function zipBytesSlice(db: Database, afterId: number, limit: number): { bytes: number; lastId: number | null; n: number } {
  return get<{ bytes: number; lastId: number | null; n: number }>(
    db,
    'SELECT COALESCE(SUM(zip_size), 0) AS bytes, MAX(id) AS lastId, COUNT(*) AS n FROM (SELECT id, zip_size FROM reports WHERE id > ? ORDER BY id LIMIT ?)',
    [afterId, limit],
  )!;
}
