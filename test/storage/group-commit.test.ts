import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { StorageClosedError, StorageLockedError } from '../../src/storage/engine';
import { insertItem, itemIds, openItems, scratch } from './helpers';

describe('group commit', () => {
  it('1000 concurrent writes share far fewer journal flushes, and all resolve durable', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    const before = store.stats();

    await Promise.all(Array.from({ length: 1000 }, (_, i) => insertItem(store, i + 1)));

    const after = store.stats();
    const commits = after.commits - before.commits;
    const flushes = after.flushes - before.flushes;
    assert.equal(commits, 1000);
    assert.ok(flushes <= 20, `expected few flushes, got ${flushes}`);
    assert.equal(itemIds(store).length, 1000);
  });

  it('writes issued while a flush is in flight are batched into the next one', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    const before = store.stats().flushes;
    const first = insertItem(store, 1);
    await new Promise((resolve) => setImmediate(resolve)); // the first flush is now in flight
    const rest = Array.from({ length: 50 }, (_, i) => insertItem(store, i + 2));
    await Promise.all([first, ...rest]);
    assert.ok(store.stats().flushes - before <= 3);
  });
});

describe('store lifecycle', () => {
  it('a second open of the same directory is refused while the first is open', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    await assert.rejects(openItems(dir), StorageLockedError);
  });

  it('a lock file left by a dead process is taken over', async (t) => {
    const { dir, defer } = await scratch(t);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(path.join(dir, 'pult.lock'), `${dead.stdout.toString()}\n`);
    const store = await openItems(dir);
    defer(() => store.close());
    await insertItem(store, 1);
  });

  it('after close, writes are rejected with StorageClosedError', async (t) => {
    const { dir } = await scratch(t);
    const store = await openItems(dir);
    await store.close();
    await assert.rejects(insertItem(store, 1), StorageClosedError);
  });

  it('close waits for writes still being flushed', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    const writes = Array.from({ length: 100 }, (_, i) => insertItem(store, i + 1));
    await store.close();
    await Promise.all(writes);
    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.equal(itemIds(reopened).length, 100);
  });

  it('checkpoint() brings pult.sqlite up to date and retires the journal', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir, { journalLimitBytes: 16 * 1024 });
    defer(() => store.close());
    for (let id = 1; id <= 100; id++) await insertItem(store, id, 'z'.repeat(800));
    await store.checkpoint();
    const stats = store.stats();
    assert.ok(stats.checkpoints >= 2, `rotations happened (${stats.checkpoints})`);
    assert.equal(stats.journalGenerations, 1);
    assert.ok(stats.journalBytes <= 64, 'the current journal holds no groups yet');
  });
});
