import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { DiskGuard } from '../registry/disk-guard';
import { retentionState } from '../registry/retention';
import type { JobRun } from '../storage/jobs-repo';
import { zipBytesSlice } from '../storage/status-repo';
import type { Store } from '../storage/store';

/** What s/status shows of pult's size on disk, its reserve and retention. */
export interface BoundsFigures {
  /** Sum of the stored zips (recomputed at most once a minute, in slices). */
  zipBytes: number | undefined;
  /** Free space of StoragePath and the threshold below which intake pauses. */
  freeBytes: number | undefined;
  totalBytes: number | undefined;
  minFreeBytes: number;
  intakePaused: boolean;
  retentionRunning: { startedAt: string; reports: number; bytes: number } | undefined;
  retentionLast: JobRun | undefined;
}

const SLICE = 20_000;
const MAX_AGE_MS = 60_000;

/**
 * The zips' total: SUM(zip_size) over a million rows holds the loop ~0.2 s, so it is summed
 * in keyset slices with the loop free between them, and cached for a minute.
 */
export class ZipBytes {
  private value: number | undefined;
  private at = -Infinity;
  private computing: Promise<number> | undefined;

  constructor(private readonly store: Store) {}

  async get(): Promise<number> {
    if (this.value !== undefined && performance.now() - this.at < MAX_AGE_MS) return this.value;
    this.computing ??= this.compute().finally(() => {
      this.computing = undefined;
    });
    return this.computing;
  }

  private async compute(): Promise<number> {
    let total = 0;
    let after = 0;
    for (;;) {
      const slice = this.store.read((db) => zipBytesSlice(db, after, SLICE));
      total += slice.bytes;
      if (slice.n < SLICE || slice.lastId === null) break;
      after = slice.lastId;
      await yieldLoop();
    }
    this.value = total;
    this.at = performance.now();
    return total;
  }
}

/** Collects the figures (the disk from the guard's cached statfs). */
export async function boundsFigures(store: Store, zips: ZipBytes, disk: DiskGuard, minFreeMb: number): Promise<BoundsFigures> {
  const space = await disk.space.refresh();
  const retention = retentionState(store);
  return {
    zipBytes: await zips.get(),
    freeBytes: space?.freeBytes,
    totalBytes: space?.totalBytes,
    minFreeBytes: minFreeMb * 1024 * 1024,
    intakePaused: disk.isLow(),
    retentionRunning: retention.running,
    retentionLast: retention.last,
  };
}
