import { errorFacets, type Facet } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';

/**
 * The configuration/version counts of the filter. Counting walks the whole
 * errors_by_config index (the one part of errorsList that grows with the data), so the
 * answer is reused for a few seconds; clearing drops it at once.
 */
export class FacetsCache {
  private value: Facet[] | undefined;
  private until = 0;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Facet[] {
    if (this.value && this.now() < this.until) return this.value;
    this.value = this.store.read((db) => errorFacets(db));
    this.until = this.now() + this.ttlMs;
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }
}
