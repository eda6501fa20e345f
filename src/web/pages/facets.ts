import { errorFacets, type Facet } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';

/**
 * The configuration/version counts of the filter. Counting walks the whole
 * errors_by_config index — the one part of errorsList that grows with the data (~35 ms at
 * 100k errors) — so the answer is reused: once it is older than `ttlMs` the next page
 * still gets it and a fresh count runs right after that response (stale-while-revalidate),
 * so no request waits for a recount except the very first. Clearing drops it: the next
 * page counts afresh.
 */
export class FacetsCache {
  private value: Facet[] | undefined;
  private until = 0;
  private refreshing = false;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Facet[] {
    if (!this.value) return this.load();
    if (this.now() >= this.until && !this.refreshing) {
      this.refreshing = true;
      setImmediate(() => {
        try {
          this.load();
        } catch {
          // the store is closing: keep what we have
        } finally {
          this.refreshing = false;
        }
      }).unref();
    }
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }

  private load(): Facet[] {
    const value = this.store.read((db) => errorFacets(db));
    this.value = value;
    this.until = this.now() + this.ttlMs;
    return value;
  }
}
