import type { Database, Statement } from 'sql.js';

/**
 * The one cache of prepared statements, per database, by SQL text. Every query of pult
 * is a constant text with bound parameters, so the cache is as large as the program's
 * set of queries. Statements stay valid for the life of the database (the engine never
 * calls db.export()); the engine forgets them when it closes the database.
 */
const caches = new WeakMap<Database, Map<string, Statement>>();

/** The cached statement for `sql`, reset and ready to bind. Do not free it. */
export function prepared(db: Database, sql: string): Statement {
  const st = cached(db, sql);
  st.reset();
  return st;
}

/**
 * The cached statement for `sql` as its last user left it, for callers that bind it at once
 * (sql.js's bind resets first) and reset it when done: a reset is two calls into WASM.
 */
export function cached(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st;
}

const columnNames = new WeakMap<Statement, string[]>();

/**
 * A prepared statement's result column names, read from WASM once per statement. pult's
 * queries name their columns (no `SELECT *`), so a migration that adds a column cannot
 * change what a cached statement returns.
 */
export function namesOf(st: Statement): string[] {
  let names = columnNames.get(st);
  if (!names) columnNames.set(st, (names = st.getColumnNames()));
  return names;
}

/** Frees the database's statements (before it is closed). */
export function forgetStatements(db: Database): void {
  const cache = caches.get(db);
  if (!cache) return;
  for (const st of cache.values()) st.free();
  caches.delete(db);
}
