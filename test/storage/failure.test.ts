import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageFailedError } from '../../src/storage/engine';
import { breakJournal } from '../helpers/break-journal';
import { insertItem, integrity, itemIds, openItems, scratch } from './helpers';

describe('when the journal cannot be written', () => {
  it('the write rejects with StorageFailedError, later writes are refused, and a restart recovers the acknowledged state', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    await insertItem(store, 1);
    t.after(breakJournal(store));

    await assert.rejects(insertItem(store, 2), StorageFailedError);
    await assert.rejects(insertItem(store, 3), StorageFailedError);
    assert.equal(store.stats().failed, true);
    await store.close();

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.deepEqual(itemIds(reopened), [1]);
    assert.equal(reopened.read(integrity), 'ok');
  });
});

describe('several stores in one process', () => {
  it('keep their files apart while writing at the same time', async (t) => {
    const a = await scratch(t);
    const b = await scratch(t);
    const storeA = await openItems(a.dir);
    const storeB = await openItems(b.dir);
    await Promise.all(Array.from({ length: 100 }, (_, i) => insertItem(i % 2 ? storeA : storeB, i + 1)));
    await storeA.close();
    await storeB.close();

    const [againA, againB] = [await openItems(a.dir), await openItems(b.dir)];
    a.defer(() => againA.close());
    b.defer(() => againB.close());
    assert.deepEqual(itemIds(againA), Array.from({ length: 50 }, (_, i) => 2 * i + 2));
    assert.deepEqual(itemIds(againB), Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  });
});
