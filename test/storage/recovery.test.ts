import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { StorageCorruptError } from '../../src/storage/engine';
import { abandonStore } from '../../src/storage/engine/testing';
import { coveredRanges, groupBounds, insertItem, integrity, itemIds, journals, openItems, scratch } from './helpers';

/** Five acknowledged single-row writes, then a crash: journal.1 holds them as the last groups. */
async function crashAfterFiveWrites(dir: string): Promise<Array<[number, number]>> {
  const store = await openItems(dir);
  for (let id = 1; id <= 5; id++) await insertItem(store, id);
  await abandonStore(store);
  const bounds = await groupBounds(path.join(dir, 'journal.1'));
  assert.ok(bounds.length >= 5);
  return bounds;
}

describe('recovery from the journal', () => {
  it('when the newest journal ends in a torn group, opens and drops only that group', async (t) => {
    const { dir, defer } = await scratch(t);
    const bounds = await crashAfterFiveWrites(dir);
    const [start, end] = bounds.at(-1)!;
    await truncate(path.join(dir, 'journal.1'), start + Math.floor((end - start) / 2));

    const store = await openItems(dir);
    defer(() => store.close());
    assert.deepEqual(itemIds(store), [1, 2, 3, 4]);
    await insertItem(store, 6);
    await store.close();

    const again = await openItems(dir);
    defer(() => again.close());
    assert.deepEqual(itemIds(again), [1, 2, 3, 4, 6]);
    assert.equal(again.read(integrity), 'ok');
  });

  it('when the newest journal ends in garbage after the last group, opens with every group', async (t) => {
    const { dir, defer } = await scratch(t);
    await crashAfterFiveWrites(dir);
    const file = path.join(dir, 'journal.1');
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(3000, 0)]));

    const store = await openItems(dir);
    defer(() => store.close());
    assert.deepEqual(itemIds(store), [1, 2, 3, 4, 5]);
  });

  it('when a group in the middle is damaged, refuses with StorageCorruptError naming the file', async (t) => {
    const { dir } = await scratch(t);
    const bounds = await crashAfterFiveWrites(dir);
    const file = path.join(dir, 'journal.1');
    const buf = await readFile(file);
    const [start, end] = bounds.at(-3)!;
    const at = Math.floor((start + end) / 2);
    buf[at] = buf[at]! ^ 0xff;
    await writeFile(file, buf);

    await assert.rejects(openItems(dir), (err: unknown) => {
      assert.ok(err instanceof StorageCorruptError);
      assert.equal(err.file, file);
      assert.equal(err.offset, start);
      return true;
    });
    assert.deepEqual(await journals(dir), ['journal.1'], 'nothing was deleted');
    await assert.rejects(openItems(dir), StorageCorruptError, 'the failed open released the directory');
  });

  it('when an older generation is torn, refuses: its groups were acknowledged', async (t) => {
    const { dir } = await scratch(t);
    await crashAfterFiveWrites(dir);
    // The next open replays journal.1 and starts journal.2; its checkpoint never finishes.
    const blocked = await openItems(dir, {
      checkpointHooks: {
        afterDbSynced() {
          throw new Error('injected: crash before the journal is deleted');
        },
      },
    });
    await insertItem(blocked, 6);
    await abandonStore(blocked);
    assert.deepEqual(await journals(dir), ['journal.1', 'journal.2']);

    const bounds = await groupBounds(path.join(dir, 'journal.1'));
    await truncate(path.join(dir, 'journal.1'), bounds.at(-1)![1] - 10);
    await assert.rejects(openItems(dir), (err: unknown) => err instanceof StorageCorruptError && err.file.endsWith('journal.1'));
  });
});

describe('crash during a checkpoint', () => {
  it('after pult.sqlite is written but before the journal is deleted, reopening is consistent', async (t) => {
    const { dir, defer } = await scratch(t);
    let failures = 0;
    const store = await openItems(dir, {
      journalLimitBytes: 32 * 1024,
      checkpointHooks: {
        afterDbSynced() {
          failures++;
          throw new Error('injected: crash between the in-place writes and the journal deletion');
        },
      },
    });
    for (let id = 1; id <= 60; id++) await insertItem(store, id, 'p'.repeat(1000));
    // The checkpoint runs in the background (its pages by a worker thread that takes a moment to start).
    for (let waited = 0; failures === 0 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(failures >= 1, 'a checkpoint ran and was interrupted');
    await abandonStore(store);

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.equal(itemIds(reopened).length, 60);
    assert.equal(reopened.read(integrity), 'ok');
    await reopened.close();
    assert.deepEqual(await journals(dir), []);
  });

  it('when pult.sqlite holds half-written pages from an interrupted checkpoint, the journal repairs them', async (t) => {
    const { dir, defer } = await scratch(t);
    const first = await openItems(dir);
    for (let id = 1; id <= 20; id++) await insertItem(first, id, 'a'.repeat(500));
    await first.close();
    const second = await openItems(dir);
    for (let id = 21; id <= 40; id++) await insertItem(second, id, 'b'.repeat(500));
    await second.write((db) => db.run("UPDATE items SET payload = 'changed' WHERE id <= 10"));
    await abandonStore(second);

    // Scribble over what the journal covers, as a checkpoint torn mid-write would.
    const dbFile = path.join(dir, 'pult.sqlite');
    const db = await readFile(dbFile);
    const covered = await coveredRanges(path.join(dir, 'journal.1'));
    assert.ok(covered.length > 0);
    for (const [start, end] of covered) db.fill(0xa5, start, Math.min(end, db.length));
    await writeFile(dbFile, db);

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.equal(itemIds(reopened).length, 40);
    assert.equal(reopened.read(integrity), 'ok');
  });
});

describe('a close whose final checkpoint fails', () => {
  it('leaves nothing running: no retry of it writes into the directory after the next store opened it', async (t) => {
    const { dir, defer } = await scratch(t);
    let failing = true;
    const first = await openItems(dir, {
      checkpointHooks: {
        beforeWrites() {
          if (failing) throw new Error('injected: the disk refuses the final checkpoint');
        },
      },
    });
    for (let id = 1; id <= 300; id++) await insertItem(first, id, 'x'.repeat(300));
    await assert.rejects(first.close(), /injected/);

    const second = await openItems(dir);
    defer(() => second.close());
    await second.write((db) => db.run('DELETE FROM items WHERE id > 150'));
    await second.checkpoint();
    failing = false; // the disk is back: a retry still armed in the first store would now run
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await second.write((db) => db.run("UPDATE items SET payload = 'y' WHERE id < 10"));
    await second.close();

    const third = await openItems(dir);
    defer(() => third.close());
    assert.equal(third.read(integrity), 'ok');
    assert.deepEqual(itemIds(third), Array.from({ length: 150 }, (_, i) => i + 1));
  });
});
