import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { describe, it } from 'node:test';
import { abandonStore } from '../../src/storage/engine/testing';
import { insertItem, integrity, itemIds, itemsMigrations, journals, openItems, openPlainCopy, scratch } from './helpers';

describe('store round trip', () => {
  it('after close and reopen, every written row is there and only pult.sqlite is left', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    for (let id = 1; id <= 50; id++) await insertItem(store, id);
    await store.close();

    assert.deepEqual((await readdir(dir)).sort(), ['pult.sqlite']);
    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.deepEqual(itemIds(reopened), Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('after a simulated crash (no close), every resolved write is there', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    const writes = Array.from({ length: 200 }, (_, i) => insertItem(store, i + 1));
    await Promise.all(writes);
    await abandonStore(store);
    assert.ok((await journals(dir)).length > 0, 'the crash left the journal behind');

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.equal(itemIds(reopened).length, 200);
    assert.equal(reopened.read(integrity), 'ok');
  });

  it('after close, pult.sqlite is a plain SQLite file with the same rows', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    for (let id = 1; id <= 20; id++) await insertItem(store, id, 'x'.repeat(id * 100));
    await store.write((db) => db.run('DELETE FROM items WHERE id > 10'));
    await store.close();

    const copy = await openPlainCopy(dir);
    assert.equal(integrity(copy), 'ok');
    assert.equal(copy.exec('SELECT count(*), max(id) FROM items')[0]?.values[0]?.join(), '10,10');
    copy.close();
  });
});

describe('store.write', () => {
  it('when the callback throws, rolls back, rejects with that error, and the store goes on', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    const boom = new Error('boom');
    await assert.rejects(
      store.write((db) => {
        db.run("INSERT INTO items (id, name) VALUES (1, 'a')");
        throw boom;
      }),
      (err) => err === boom,
    );
    await insertItem(store, 2);
    assert.deepEqual(itemIds(store), [2]);
  });

  it('resolves with the callback result after the change is durable', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    const id = await store.write((db) => {
      db.run("INSERT INTO items (name) VALUES ('auto')");
      return Number(db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0]);
    });
    assert.equal(id, 1);
    assert.equal(store.stats().commits >= 1, true);
  });

  it('rejects an async callback and leaves nothing behind', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    await assert.rejects(
      store.write(async (db) => db.run("INSERT INTO items (id, name) VALUES (1, 'a')")),
      TypeError,
    );
    assert.deepEqual(itemIds(store), []);
  });
});

describe('store.read and store.prepare', () => {
  it('a read callback that modifies the database is refused', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    assert.throws(() => store.read((db) => db.run("INSERT INTO items (id, name) VALUES (1, 'a')")), TypeError);
  });

  it('prepare returns the same cached statement, reset for reuse', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    await insertItem(store, 1);
    await insertItem(store, 2);
    const sql = 'SELECT name FROM items WHERE id = ?';
    const first = store.prepare(sql);
    assert.deepEqual(first.get([1]), ['item 1']);
    const second = store.prepare(sql);
    assert.equal(second, first);
    assert.deepEqual(second.get([2]), ['item 2']);
  });
});

describe('when SQLite shrinks the file (auto_vacuum)', () => {
  it('the truncation is journaled: a crash and a clean close both come back right', async (t) => {
    const { dir, defer } = await scratch(t);
    // auto_vacuum can only be chosen before page 1 exists, so the file is made by hand.
    const SQL = await initSqlJs();
    const seed = new SQL.Database();
    seed.run('PRAGMA auto_vacuum = FULL');
    itemsMigrations[0]!.up(seed);
    seed.run('PRAGMA user_version = 1');
    await writeFile(path.join(dir, 'pult.sqlite'), seed.export());
    seed.close();

    const store = await openItems(dir);
    for (let id = 1; id <= 100; id++) await insertItem(store, id, 'q'.repeat(3000));
    const grown = store.stats().dbBytes;
    await store.write((db) => db.run('DELETE FROM items WHERE id > 10'));
    assert.ok(store.stats().dbBytes < grown / 4, 'the file shrank');
    await abandonStore(store);

    const reopened = await openItems(dir);
    assert.deepEqual(itemIds(reopened), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(reopened.read(integrity), 'ok');
    await insertItem(reopened, 11, 'after');
    await reopened.close();

    const copy = await openPlainCopy(dir);
    defer(() => copy.close());
    assert.equal(integrity(copy), 'ok');
    assert.equal(copy.exec('SELECT count(*) FROM items')[0]?.values[0]?.[0], 11);
  });
});
