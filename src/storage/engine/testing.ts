/** Test helpers; not part of the production surface. */
import type { Store } from './store';

/**
 * Simulates kill -9 within one process: the store stops before its next I/O step and
 * leaves every file as it is; pending writes reject. Then the directory can be reopened.
 */
export function abandonStore(store: Store): Promise<void> {
  return store.abandon();
}
