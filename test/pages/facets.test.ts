import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Facet } from '../../src/storage/pages-repo';
import type { Store } from '../../src/storage/store';
import { FacetsCache } from '../../src/web/pages/facets';

/** A store whose every read answers the current `n` as the one facet's count. */
function countingStore() {
  const state = { reads: 0, n: 1 };
  const store = {
    read: () => {
      state.reads++;
      return [{ config_name: 'К', config_version: '1', n: state.n }] satisfies Facet[];
    },
  } as unknown as Store;
  return { store, state };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the filter counts cache', () => {
  it('counts on first use, then reuses the answer within its time', () => {
    const { store, state } = countingStore();
    let now = 0;
    const cache = new FacetsCache(store, 1000, () => now);
    assert.equal(cache.get()[0]!.n, 1);
    now = 999;
    cache.get();
    assert.equal(state.reads, 1);
  });

  it('once stale, answers at once with the old counts and recounts right after', async () => {
    const { store, state } = countingStore();
    let now = 0;
    const cache = new FacetsCache(store, 1000, () => now);
    cache.get();
    state.n = 2;
    now = 1000;
    assert.equal(cache.get()[0]!.n, 1, 'no request waits for a recount');
    assert.equal(cache.get()[0]!.n, 1);
    await tick();
    assert.equal(state.reads, 2, 'one recount, not one per request');
    assert.equal(cache.get()[0]!.n, 2);
  });

  it('after invalidate (a clear), counts afresh before answering', () => {
    const { store, state } = countingStore();
    const cache = new FacetsCache(store, 60_000);
    cache.get();
    state.n = 0;
    cache.invalidate();
    assert.equal(cache.get()[0]!.n, 0);
  });
});
