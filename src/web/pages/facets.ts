import { errorFacets, newestErrorId, type Facet } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';

/**
 * The configuration/version counts of the filter, exact on every page: they change only
 * when an error is added (the newest id moves) or removed (a clear, which invalidates), so
 * the answer is reused until then and recounted before the page that first sees the change
 * (issue 13, Why 2: a stale-while-revalidate answer showed the new rows without their
 * configuration in the filter). A recount walks the errors_by_config index: its cost at
 * 100k errors is in the pages bench ("errorFacets").
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
  private newestId = 0;

  constructor(private readonly source: FacetSource) {}

  get(): Facet[] {
    // The newest id first: an error added between the two reads only causes one more recount.
    const newest = this.source.newestErrorId();
    if (!this.value || newest !== this.newestId) {
      this.newestId = newest;
      this.value = this.source.facets();
    }
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }
}
