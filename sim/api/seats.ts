// License seats taken by CheckAccess. One person holds one seat per license however many
// sessions they have; a seat not refreshed for the TTL is free again.

export class SeatStore {
  /** license key → holder → time of last use (ms). */
  private readonly seats = new Map<string, Map<string, number>>();

  constructor(private readonly ttlMs: number) {}

  /** Refreshes the holder's live seat, or takes a free one; false when all seats are taken. */
  acquire(license: string, holder: string, limit: number, now: number): boolean {
    const live = this.live(license, now);
    if (!live.has(holder) && live.size >= limit) return false;
    live.set(holder, now);
    return true;
  }

  /** Live seats of a license: holder → last use. */
  live(license: string, now: number): Map<string, number> {
    let holders = this.seats.get(license);
    if (!holders) this.seats.set(license, (holders = new Map()));
    for (const [holder, used] of holders) if (now - used > this.ttlMs) holders.delete(holder);
    return holders;
  }
}
