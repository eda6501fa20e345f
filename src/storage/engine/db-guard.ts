import type { Database } from 'sql.js';

/** The real close(), kept for the store. */
const CLOSE = Symbol('close');

/**
 * export() would reopen the database from MEMFS, where our file is empty, and close()
 * must go through store.close(); neither may be called on the live handle.
 */
export function guardDb(db: Database): void {
  const refuse = (name: string) => () => {
    throw new TypeError(`db.${name}() is not allowed on a store's database; use the store API`);
  };
  const close = db.close.bind(db);
  Object.assign(db, { export: refuse('export'), close: refuse('close'), [CLOSE]: close });
}

export function closeDb(db: Database): void {
  const real = (db as Database & { [CLOSE]?: () => void })[CLOSE];
  (real ?? db.close.bind(db))();
}
