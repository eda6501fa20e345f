/** Shared helpers for storage engine tests: temp directories and a tiny schema. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { openStore, type Migration, type OpenStoreOptions, type Store } from '../../src/storage/engine';
import { FILE_HEADER_SIZE, parseGroup } from '../../src/storage/engine/journal-format';

export const itemsMigrations: Migration[] = [
  {
    version: 1,
    up(db) {
      db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload TEXT)');
      db.run('CREATE INDEX items_name ON items(name)');
    },
  },
];

export interface Scratch {
  dir: string;
  /** Registers cleanup that runs (last registered first) before the directory is removed. */
  defer(fn: () => Promise<unknown> | unknown): void;
}

/** A fresh temp directory, removed after the test once everything deferred has run. */
export async function scratch(t: { after(fn: () => Promise<void>): void }): Promise<Scratch> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pult-storage-'));
  const deferred: Array<() => Promise<unknown> | unknown> = [];
  t.after(async () => {
    for (const fn of deferred.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, defer: (fn) => deferred.push(fn) };
}

export function openItems(dir: string, extra: Partial<OpenStoreOptions> = {}): Promise<Store> {
  return openStore({ dir, migrations: itemsMigrations, log: () => undefined, ...extra });
}

export function insertItem(store: Store, id: number, payload = `payload ${id}`): Promise<void> {
  return store.write((db) => {
    db.run('INSERT INTO items (id, name, payload) VALUES (?, ?, ?)', [id, `item ${id}`, payload]);
  });
}

export function itemIds(store: Store): number[] {
  return store.read((db) => (db.exec('SELECT id FROM items ORDER BY id')[0]?.values ?? []).map((r) => Number(r[0])));
}

export async function journals(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('journal.')).sort();
}

/** Opens pult.sqlite with the plain release build: what an admin's copy would contain. */
export async function openPlainCopy(dir: string): Promise<Database> {
  const SQL = await initSqlJs();
  return new SQL.Database(await readFile(path.join(dir, 'pult.sqlite')));
}

export function integrity(db: Database): string {
  return String(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0]);
}

/** [start, end) of every intact frame group in a journal file. */
export async function groupBounds(file: string): Promise<Array<[number, number]>> {
  const buf = await readFile(file);
  const bounds: Array<[number, number]> = [];
  let pos = FILE_HEADER_SIZE;
  for (;;) {
    const parsed = parseGroup(buf, pos);
    if (parsed.kind !== 'ok') return bounds;
    bounds.push([pos, parsed.group.end]);
    pos = parsed.group.end;
  }
}

/** Byte ranges [offset, end) of the database file that a journal's frames cover. */
export async function coveredRanges(file: string): Promise<Array<[number, number]>> {
  const buf = await readFile(file);
  const ranges: Array<[number, number]> = [];
  let pos = FILE_HEADER_SIZE;
  for (;;) {
    const parsed = parseGroup(buf, pos);
    if (parsed.kind !== 'ok') return ranges;
    for (const f of parsed.group.frames) ranges.push([f.offset, f.offset + f.bytes.length]);
    pos = parsed.group.end;
  }
}
