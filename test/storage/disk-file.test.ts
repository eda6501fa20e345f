import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFile } from '../../src/storage/engine/disk-file';
import { insertItem, itemIds, openItems, openPlainCopy, scratch } from './helpers';

const PAGE = 4096;

function page(fill: number): Uint8Array {
  return new Uint8Array(PAGE).fill(fill);
}

function readAll(file: DiskFile): Buffer {
  const out = Buffer.alloc(file.size);
  assert.equal(file.read(0, out, 0, file.size), file.size);
  return out;
}

/** The byte at the start of each page: what the tests below write pages with. */
function marks(file: DiskFile): number[] {
  const all = readAll(file);
  return Array.from({ length: Math.ceil(all.length / PAGE) }, (_, i) => all[i * PAGE]!);
}

describe('the database file on disk with layers in memory', () => {
  it('reads pages from pult.sqlite, and written pages from memory until they are settled', async (t) => {
    const { dir } = await scratch(t);
    const file = path.join(dir, 'pult.sqlite');
    await writeFile(file, Buffer.concat([page(1), page(2), page(3)]));
    const { file: f, created } = DiskFile.open(file);
    t.after(() => f.close());
    assert.equal(created, false);
    assert.deepEqual(marks(f), [1, 2, 3]);

    assert.equal(f.write(PAGE, page(7)), true);
    assert.deepEqual(marks(f), [1, 7, 3], 'a written page is read back from memory');
    const retired = f.retire();
    f.write(2 * PAGE, page(8));
    assert.deepEqual(marks(f), [1, 7, 8], 'the retired layer still answers while its checkpoint runs');
    assert.equal(f.heldBytes, 2 * PAGE);

    // The checkpoint writes the retired layer in place; then the layer leaves memory.
    await writeFile(file, Buffer.concat([page(1), page(7), page(3)]));
    retired.settle();
    assert.equal(f.heldBytes, PAGE);
    assert.deepEqual(marks(f), [1, 7, 8]);
  });

  it('reads a cut-off page as zeros even while the disk still holds its old bytes', async (t) => {
    const { dir } = await scratch(t);
    const file = path.join(dir, 'pult.sqlite');
    await writeFile(file, Buffer.concat([page(1), page(2), page(3), page(4)]));
    const { file: f } = DiskFile.open(file);
    t.after(() => f.close());
    f.truncate(2 * PAGE);
    f.truncate(4 * PAGE);
    assert.deepEqual(marks(f), [1, 2, 0, 0], 'grown back: zeros, not the old pages 3 and 4');
    f.write(3 * PAGE, page(9));
    f.retire();
    assert.deepEqual(marks(f), [1, 2, 0, 9], 'the older layer keeps its cut for newer ones');
    f.write(0, page(5));
    assert.deepEqual(marks(f), [5, 2, 0, 9]);
  });

  it('a read longer than a page takes each part from the newest layer that has it', async (t) => {
    const { dir } = await scratch(t);
    const { file: f } = DiskFile.open(path.join(dir, 'pult.sqlite'));
    t.after(() => f.close());
    f.write(0, page(2));
    f.retire();
    f.write(1024, new Uint8Array(1024).fill(3));
    const all = Buffer.alloc(PAGE);
    f.read(0, all, 0, PAGE);
    assert.deepEqual([all[0], all[1023], all[1024], all[2047], all[2048]], [2, 2, 3, 3, 2], 'the newer 1 KiB inside the older page');
    f.truncate(PAGE + 1024);
    f.truncate(2 * PAGE);
    const second = Buffer.alloc(PAGE);
    f.read(PAGE, second, 0, PAGE);
    assert.equal(second[2048], 0, 'past the newer cut: zeros');
  });

  it('reads past the end of a shorter pult.sqlite as zeros, and a read across layers and disk in one call', async (t) => {
    const { dir } = await scratch(t);
    const { file: f, created } = DiskFile.open(path.join(dir, 'pult.sqlite'));
    t.after(() => f.close());
    assert.equal(created, true);
    assert.equal(f.size, 0);
    f.write(2 * PAGE, page(6));
    assert.deepEqual(marks(f), [0, 0, 6], 'the gap reads as zeros');
    const part = Buffer.alloc(PAGE);
    assert.equal(f.read(2 * PAGE + 100, part, 0, PAGE), PAGE - 100, 'short at the end');
    assert.equal(part[0], 6);
  });
});

describe('the store keeps only what is not yet checkpointed in memory', () => {
  it('after a checkpoint the pages leave memory, reads come from pult.sqlite and match', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir, { journalLimitBytes: 64 * 1024 });
    defer(() => store.close());
    store.read((db) => db.run('PRAGMA cache_size = 4'));
    for (let id = 1; id <= 400; id++) await insertItem(store, id, `${id} `.repeat(300));
    const before = store.stats();
    await store.checkpoint();
    const after = store.stats();
    assert.ok(before.dbBytes > 256 * 1024, `the database has grown (${before.dbBytes} bytes)`);
    assert.equal(after.heldBytes, 0, 'nothing waits for a checkpoint, so no page is held');
    const sum = store.read((db) => db.exec("SELECT count(*), sum(length(payload)) FROM items WHERE payload LIKE '% %'")[0]!.values[0]);
    assert.deepEqual(sum, [400, store.read((db) => Number(db.exec('SELECT sum(length(payload)) FROM items')[0]!.values[0]![0]))]);
    assert.equal(store.read((db) => db.exec('PRAGMA integrity_check')[0]!.values[0]![0]), 'ok');
    const copy = await openPlainCopy(dir);
    defer(() => copy.close());
    assert.equal(copy.exec('SELECT count(*) FROM items')[0]!.values[0]![0], 400);
  });

  it('reads stay right while checkpoints write pult.sqlite under them, and after reopening', async (t) => {
    const { dir, defer } = await scratch(t);
    // A tiny journal: a checkpoint is handed over by almost every write below.
    const store = await openItems(dir, { journalLimitBytes: 8 * 1024 });
    // SQLite's own cache would answer most reads of so small a database: keep it tiny.
    store.read((db) => db.run('PRAGMA cache_size = 4'));
    const model = new Map<number, number>();
    const scan = () => store.read((db) => db.exec('SELECT count(*), total(length(payload)) FROM items')[0]!.values[0]!.map(Number));
    const expected = () => [model.size, [...model.values()].reduce((a, b) => a + b, 0)];
    for (let id = 1; id <= 600; id++) {
      const payload = 'x'.repeat(200 + (id % 7) * 300);
      await insertItem(store, id, payload);
      model.set(id, payload.length);
      // Every page read right away: the checkpoint this write handed over is in flight.
      assert.deepEqual(scan(), expected(), `after item ${id}`);
      if (id % 50 === 0) {
        await store.write((db) => db.run('DELETE FROM items WHERE id % 10 = 0'));
        for (const k of model.keys()) if (k % 10 === 0) model.delete(k);
        assert.deepEqual(scan(), expected(), `after the delete at ${id}`);
        assert.equal(store.read((db) => db.exec('PRAGMA integrity_check')[0]!.values[0]![0]), 'ok');
      }
    }
    assert.ok(store.stats().checkpoints >= 10, `checkpoints ran meanwhile (${store.stats().checkpoints})`);
    await store.close();
    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.deepEqual(itemIds(reopened), [...model.keys()].sort((a, b) => a - b));
  });

  it('a checkpoint stopped before its first write: every page still reads right (from memory)', async (t) => {
    const { dir, defer } = await scratch(t);
    let started!: () => void;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holdNext = false;
    const beforeWrites = async (): Promise<void> => {
      if (!holdNext) return;
      holdNext = false;
      started();
      await gate;
    };
    const store = await openItems(dir, { journalLimitBytes: 16 * 1024, checkpointHooks: { beforeWrites } });
    defer(() => store.close());
    defer(() => release());
    store.read((db) => db.run('PRAGMA cache_size = 4'));
    for (let id = 1; id <= 200; id++) await insertItem(store, id, `${id}-`.repeat(100));
    await store.checkpoint();
    holdNext = true;
    // One commit larger than the journal's limit: its generation goes to the held checkpoint.
    await store.write((db) => db.run("UPDATE items SET payload = payload || 'y'"));
    await startedP;
    // pult.sqlite holds the old pages, the layer being checkpointed the new ones.
    const rows = store.read((db) => db.exec("SELECT count(*) FROM items WHERE payload LIKE '%y'")[0]!.values[0]![0]);
    assert.equal(rows, 200);
    assert.equal(store.read((db) => db.exec('PRAGMA integrity_check')[0]!.values[0]![0]), 'ok');
    release();
    await store.checkpoint();
    assert.equal(store.stats().heldBytes, 0);
    assert.equal(store.read((db) => db.exec("SELECT count(*) FROM items WHERE payload LIKE '%y'")[0]!.values[0]![0]), 200);
  });

  it('a read of pult.sqlite that fails fails one statement; the next reads are right again', async (t) => {
    const { dir, defer } = await scratch(t);
    const first = await openItems(dir);
    for (let id = 1; id <= 300; id++) await insertItem(first, id, `${id} `.repeat(50));
    await first.close();
    const store = await openItems(dir);
    defer(() => store.close());
    store.read((db) => db.run('PRAGMA cache_size = 4'));
    const fs = require('node:fs') as typeof import('node:fs');
    const readSync = fs.readSync;
    let failNext = 3;
    fs.readSync = ((...args: Parameters<typeof readSync>) => {
      if (--failNext === 0) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      return readSync(...args);
    }) as typeof readSync;
    try {
      // SQLite names it as it sees it (an I/O error, or a page it could not read whole).
      assert.throws(() => store.read((db) => db.exec('SELECT count(*), total(length(payload)) FROM items')));
    } finally {
      fs.readSync = readSync;
    }
    assert.equal(store.stats().readErrors, 1);
    assert.match(String(store.stats().lastReadError), /EIO/);
    assert.deepEqual(store.read((db) => db.exec('SELECT count(*) FROM items')[0]!.values[0]), [300]);
    assert.equal(store.read((db) => db.exec('PRAGMA integrity_check')[0]!.values[0]![0]), 'ok');
    await insertItem(store, 301);
    await store.write((db) => db.run("UPDATE items SET payload = 'x' WHERE id % 7 = 0"));
    assert.equal(store.read((db) => db.exec("SELECT count(*) FROM items WHERE payload = 'x'")[0]!.values[0]![0]), 43);
  });
});
