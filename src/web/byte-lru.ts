/**
 * A least-recently-used map bounded by the bytes its values weigh, not by their number: a
 * parsed report may be 3 KB or 8 MB, and the whole process shares one memory.
 */
export class ByteLru<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    /** One value heavier than this is never kept (it would push out everything else). */
    private readonly maxEntryBytes = maxBytes / 4,
  ) {}

  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    // Maps iterate in insertion order: moving a hit to the end keeps the oldest first.
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxEntryBytes) return;
    while (this.total + bytes > this.maxBytes && this.map.size > 0) {
      this.delete(this.map.keys().next().value as string);
    }
    this.map.set(key, { value, bytes });
    this.total += bytes;
  }

  delete(key: string): void {
    const hit = this.map.get(key);
    if (!hit) return;
    this.map.delete(key);
    this.total -= hit.bytes;
  }

  /** Bytes held now (for tests and the status page). */
  get bytes(): number {
    return this.total;
  }
}
