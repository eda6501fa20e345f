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
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (st) st.reset();
  else cache.set(sql, (st = db.prepare(sql)));
  return st;
}

/** Frees the database's statements (before it is closed). */
export function forgetStatements(db: Database): void {
  const cache = caches.get(db);
  if (!cache) return;
  for (const st of cache.values()) st.free();
  caches.delete(db);
}
