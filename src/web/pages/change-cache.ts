import type { Database } from 'sql.js';
import { changesSoFar } from '../../storage/pages-repo';

/**
 * Answers that change only when the database does (a search's hits, the trend's order),
 * kept until the next write of any kind: paging through a search or switching its order
 * does not search again, and nothing stale is ever shown — any change, a new report or a
 * fold or a clear, empties it. Keyed by the connection too (a store that reopened counts
 * its changes from zero). The newest `max` answers are kept.
 */
export class ChangeCache<V> {
  private readonly entries = new Map<string, V>();
  private db: Database | undefined;
  private version = -1;

  constructor(private readonly max = 16) {}

  get(db: Database, key: string, compute: () => V): V {
    const version = changesSoFar(db);
    if (db !== this.db || version !== this.version) {
      this.entries.clear();
      this.db = db;
      this.version = version;
    }
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Most recently used last, so the oldest goes first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
