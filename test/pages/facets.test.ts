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

describe('the filter counts cache', () => {
  it('counts on first use, then reuses the answer while no error is added', () => {
    const { store, state } = countingStore();
    const cache = new FacetsCache(store);
    assert.equal(cache.get()[0]!.n, 1);
    cache.get();
    cache.get();
    assert.equal(state.reads, 1);
  });

  it('the first page after a new error already counts it (no stale answer)', () => {
    const { store, state } = countingStore();
    const cache = new FacetsCache(store);
    cache.get();
    state.n = 2;
    state.newest = 2;
    assert.equal(cache.get()[0]!.n, 2, 'exact on the first load');
    assert.equal(state.reads, 2);
  });

  it('after invalidate (a clear), counts afresh before answering', () => {
    const { store, state } = countingStore();
    const cache = new FacetsCache(store);
    cache.get();
    state.n = 0;
    cache.invalidate();
    assert.equal(cache.get()[0]!.n, 0);
  });

  it('shows the first errors at once when what it held was empty', () => {
    const { store, state } = countingStore();
    state.n = 0;
    state.newest = 0;
    const cache = new FacetsCache(store);
    assert.deepEqual(cache.get(), []);
    state.n = 1;
    state.newest = 1;
    assert.equal(cache.get()[0]!.n, 1);
  });
});
