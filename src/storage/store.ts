import type { Database } from 'sql.js';

/**
 * What the domain needs of the database: synchronous reads, and writes that run in one
 * transaction and resolve only once durable. Implemented by the storage engine.
 */
export interface Store {
  read<T>(fn: (db: Database) => T): T;
  write<T>(fn: (db: Database) => T): Promise<T>;
  close(): Promise<void>;
  /** A consistent copy of the database file at `dest`, taken while pult runs. */
  copyTo(dest: string): Promise<void>;
}
