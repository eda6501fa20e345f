import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore, StorageVersionError, type Migration } from '../../src/storage/engine';
import { scratch } from './helpers';

function counted(version: number, sql: string, counter: Map<number, number>): Migration {
  return {
    version,
    up(db) {
      counter.set(version, (counter.get(version) ?? 0) + 1);
      db.run(sql);
    },
  };
}

const quiet = () => undefined;

describe('migrations', () => {
  it('are applied once each, in order, and user_version follows', async (t) => {
    const { dir } = await scratch(t);
    const runs = new Map<number, number>();
    const v1 = [counted(1, 'CREATE TABLE a (x)', runs)];
    const v2 = [...v1, counted(2, 'CREATE TABLE b (y)', runs)];

    await (await openStore({ dir, migrations: v1, log: quiet })).close();
    await (await openStore({ dir, migrations: v1, log: quiet })).close();
    const store = await openStore({ dir, migrations: v2, log: quiet });
    const version = store.read((db) => db.exec('PRAGMA user_version')[0]?.values[0]?.[0]);
    await store.close();

    assert.deepEqual([...runs], [[1, 1], [2, 1]]);
    assert.equal(version, 2);
  });

  it('when the database is newer than the code, refuses with StorageVersionError and changes no file', async (t) => {
    const { dir } = await scratch(t);
    const runs = new Map<number, number>();
    const v2 = [counted(1, 'CREATE TABLE a (x)', runs), counted(2, 'CREATE TABLE b (y)', runs)];
    await (await openStore({ dir, migrations: v2, log: quiet })).close();
    const before = await snapshot(dir);

    await assert.rejects(openStore({ dir, migrations: v2.slice(0, 1), log: quiet }), (err: unknown) => {
      assert.ok(err instanceof StorageVersionError);
      assert.equal(err.dbVersion, 2);
      assert.equal(err.knownVersion, 1);
      return true;
    });
    assert.deepEqual(await snapshot(dir), before);
    await (await openStore({ dir, migrations: v2, log: quiet })).close();
  });

  it('when a migration throws, open fails, nothing of it is kept and the directory is released', async (t) => {
    const { dir } = await scratch(t);
    const broken: Migration[] = [
      {
        version: 1,
        up(db) {
          db.run('CREATE TABLE a (x)');
          throw new Error('bad migration');
        },
      },
    ];
    await assert.rejects(openStore({ dir, migrations: broken, log: quiet }), /bad migration/);
    const store = await openStore({ dir, log: quiet });
    const tables = store.read((db) => db.exec("SELECT count(*) FROM sqlite_master WHERE name = 'a'")[0]?.values[0]?.[0]);
    const version = store.read((db) => db.exec('PRAGMA user_version')[0]?.values[0]?.[0]);
    await store.close();
    assert.equal(tables, 0);
    assert.equal(version, 0);
  });

  it('a list that is not strictly increasing is a programming error', async (t) => {
    const { dir } = await scratch(t);
    const m = (version: number): Migration => ({ version, up: () => undefined });
    await assert.rejects(openStore({ dir, migrations: [m(2), m(1)] }), TypeError);
    await assert.rejects(openStore({ dir, migrations: [m(0)] }), TypeError);
  });
});

/** Name → sha256 of every file in the directory. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    out[name] = createHash('sha256').update(await readFile(path.join(dir, name))).digest('hex');
  }
  return out;
}
