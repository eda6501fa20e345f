import type { Database, SqlValue, Statement } from 'sql.js';
import { cached, namesOf } from './engine/statements';

/**
 * Thin helpers over sql.js on the engine's one statement cache: every query is a constant
 * SQL text with bound parameters, never a string built from input. Each binds (which resets
 * the statement first) and leaves it reset; rows are built with the column names read once
 * per statement — a call into WASM and a string decode per column, per row, otherwise.
 */
export type Params = SqlValue[] | Record<string, SqlValue>;

/** All rows as plain objects. */
export function all<T>(db: Database, sql: string, params: Params = []): T[] {
  return collect(db, sql, params, (st) => objectOf<T>(st));
}

/** The current row as an object: what getAsObject does, without reading the names again. */
function objectOf<T>(st: Statement): T {
  const names = namesOf(st);
  const values = st.get();
  const row: Record<string, SqlValue> = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
  return row as T;
}

/** All rows as arrays of column values: for reads of thousands of rows, where an object per row costs more than the query. */
export function tuples<T extends SqlValue[]>(db: Database, sql: string, params: Params = []): T[] {
  return collect(db, sql, params, (st) => st.get() as T);
}

function collect<T>(db: Database, sql: string, params: Params, row: (st: Statement) => T): T[] {
  const st = cached(db, sql);
  try {
    st.bind(params);
    const rows: T[] = [];
    while (st.step()) rows.push(row(st));
    return rows;
  } finally {
    st.reset();
  }
}

/** The first row, or undefined. */
export function get<T>(db: Database, sql: string, params: Params = []): T | undefined {
  const st = cached(db, sql);
  try {
    st.bind(params);
    return st.step() ? objectOf<T>(st) : undefined;
  } finally {
    st.reset();
  }
}

/** Runs a statement; returns how many rows it changed. */
export function run(db: Database, sql: string, params: Params = []): number {
  const st = cached(db, sql);
  try {
    st.run(params); // binds, steps and resets
  } catch (err) {
    st.reset();
    throw err;
  }
  return db.getRowsModified();
}

/** undefined → NULL, booleans → 0/1: what sql.js binds. */
export function v(value: string | number | boolean | null | undefined): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
