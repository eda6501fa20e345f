import type { Database } from 'sql.js';
import type { DataTotals } from '../diagnostics/status';
import { get } from './sql';

/** Row counts for the status page: SQLite counts a table by its b-tree pages, a few ms at 1M rows. */
export function dataTotals(db: Database): DataTotals {
  const count = (sql: string) => get<{ n: number }>(db, sql)?.n ?? 0;
  return {
    errors: count('SELECT count(*) AS n FROM errors'),
    reports: count('SELECT count(*) AS n FROM reports'),
    pendingNotices: count('SELECT count(*) AS n FROM notices WHERE sent_at IS NULL'),
  };
}
