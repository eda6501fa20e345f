import { errorFacets, newestErrorId, type Facet } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';

/**
 * The configuration/version counts of the filter. Counting walks the whole
 * errors_by_config index — the one part of errorsList that grows with the data (~35 ms at
 * 100k errors) — so the answer is reused: once it is older than `ttlMs` the next page
 * still gets it and a fresh count runs right after that response (stale-while-revalidate),
 * so no request waits for a recount except the very first. A new error (the newest id
 * moved) also triggers that background recount — or a recount in place when what we hold
 * is empty, so the filter appears as soon as the first reports do. Clearing drops it.
 */
/** Where the counts come from: the database, or a fake in tests. */
export interface FacetSource {
  facets(): Facet[];
  /** Changes whenever an error is added. */
  newestErrorId(): number;
}

export function storeFacetSource(store: Store): FacetSource {
  return {
    facets: () => store.read((db) => errorFacets(db)),
    newestErrorId: () => store.read((db) => newestErrorId(db)),
  };
}

export class FacetsCache {
  private value: Facet[] | undefined;
  private until = 0;
  private newestId = 0;
  private refreshing = false;

  constructor(
    private readonly source: FacetSource,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Facet[] {
    if (!this.value) return this.load();
    const moved = this.source.newestErrorId() !== this.newestId;
    if (moved && this.value.length === 0) return this.load();
    if ((moved || this.now() >= this.until) && !this.refreshing) {
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
    this.newestId = this.source.newestErrorId();
    const value = this.source.facets();
    this.value = value;
    this.until = this.now() + this.ttlMs;
    return value;
  }
}
