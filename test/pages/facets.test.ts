import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Facet } from '../../src/storage/pages-repo';
import { FacetsCache, type FacetSource } from '../../src/web/pages/facets';

/** A source whose every count answers the current `n` as the one facet's count (none when 0 errors). */
function countingStore() {
  const state = { reads: 0, n: 1, newest: 1 };
  const store: FacetSource = {
    facets: () => {
      state.reads++;
      return state.n === 0 && state.newest === 0 ? [] : ([{ config_name: 'К', config_version: '1', n: state.n }] satisfies Facet[]);
    },
    newestErrorId: () => state.newest,
  };
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

  it('shows the first errors at once when what it held was empty', () => {
    const { store, state } = countingStore();
    state.n = 0;
    state.newest = 0;
    const cache = new FacetsCache(store, 60_000);
    assert.deepEqual(cache.get(), []);
    state.n = 1;
    state.newest = 1;
    assert.equal(cache.get()[0]!.n, 1, 'no wait for the time to pass');
  });

  it('recounts in the background when a new error arrives', async () => {
    const { store, state } = countingStore();
    const cache = new FacetsCache(store, 60_000);
    cache.get();
    state.n = 2;
    state.newest = 2;
    assert.equal(cache.get()[0]!.n, 1, 'the answer does not wait');
    await tick();
    assert.equal(cache.get()[0]!.n, 2);
    assert.equal(state.reads, 2);
  });
});
