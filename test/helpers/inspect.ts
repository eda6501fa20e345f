// Opens the database a stopped pult left behind, the way pult itself does, to check rows.
import path from 'node:path';
import type { Database } from 'sql.js';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all } from '../../src/storage/sql';

export async function withDatabase<T>(storage: string, fn: (db: Database) => T): Promise<T> {
  const store = await openStore({ dir: path.join(storage, 'db'), migrations: MIGRATIONS, log: () => {} });
  try {
    return store.read(fn);
  } finally {
    await store.close();
  }
}

export function rows<T = Record<string, any>>(db: Database, sql: string, params: (string | number | null)[] = []): T[] {
  return all<T>(db, sql, params);
}
