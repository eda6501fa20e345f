import fs from 'node:fs';
import os from 'node:os';
import type { Store } from '../../src/storage/store';

/**
 * Makes the running store's journal stop taking writes, as a dying disk would: its writer's
 * descriptor is swapped for one open read-only (closing it instead could let a later open
 * reuse the number and take the journal's bytes). The store owns the read-only one now and
 * closes it with itself; the returned function closes the journal's own descriptor.
 */
export function breakJournal(store: Store): () => void {
  const journal = (store as unknown as { group: { journal: { fd: number } } }).group.journal;
  const writable = journal.fd;
  const readOnly = fs.openSync(os.devNull, 'r');
  journal.fd = readOnly;
  return () => fs.closeSync(writable);
}
