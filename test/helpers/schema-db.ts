import initSqlJs, { type Database } from 'sql.js';
import { MIGRATIONS } from '../../src/storage/migrations';

/** An in-memory database with every migration applied: the schema, no store around it. */
export async function schemaDb(): Promise<Database> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  for (const m of MIGRATIONS) m.up(db);
  return db;
}

/** A small deterministic generator in [0, 1) (the same runs every time). */
export function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
