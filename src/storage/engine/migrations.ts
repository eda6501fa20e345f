import type { Database } from 'sql.js';
import { StorageVersionError } from './errors';
import type { Store } from './store';

/** One schema step. `up` runs inside the store's write transaction; it must be synchronous. */
export interface Migration {
  version: number;
  up(db: Database): void;
}

/** Programmer errors in the list fail loudly before anything is opened. */
export function checkMigrations(migrations: readonly Migration[]): number {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new TypeError(`migration versions must be increasing positive integers (got ${m.version} after ${last})`);
    }
    last = m.version;
  }
  return last;
}

export function userVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/** Refuses a database written by newer code, before anything touches it. */
export function assertKnownVersion(db: Database, known: number): number {
  const version = userVersion(db);
  if (version > known) throw new StorageVersionError(version, known);
  return version;
}

/** Applies the missing steps, each in its own durable transaction with its user_version. */
export async function migrate(store: Store, migrations: readonly Migration[], current: number): Promise<void> {
  for (const m of migrations) {
    if (m.version <= current) continue;
    await store.write((db) => {
      m.up(db);
      db.run(`PRAGMA user_version = ${m.version}`);
    });
  }
}
