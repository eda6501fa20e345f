import type { Database } from 'sql.js';
import { get, run } from './sql';

/** An error's label: who set it and when (UTC ISO). */
export interface MarkRow {
  login: string;
  name: string;
  at: string;
}

/** Sets (or, with null, clears) an error's label; false when there is no such error. */
export function writeMark(db: Database, errorId: number, mark: MarkRow | null): boolean {
  return (
    run(db, 'UPDATE errors SET mark_login = ?, mark_name = ?, mark_at = ? WHERE id = ?', [
      mark?.login ?? null,
      mark?.name ?? null,
      mark?.at ?? null,
      errorId,
    ]) > 0
  );
}

/** The label of an error: undefined when there is no such error, null when unset. */
export function readMark(db: Database, errorId: number): MarkRow | null | undefined {
  const row = get<{ mark_login: string | null; mark_name: string | null; mark_at: string | null }>(
    db,
    'SELECT mark_login, mark_name, mark_at FROM errors WHERE id = ?',
    [errorId],
  );
  if (!row) return undefined;
  if (row.mark_at === null) return null;
  return { login: row.mark_login ?? '', name: row.mark_name ?? '', at: row.mark_at };
}
