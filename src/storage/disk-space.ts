import fsp from 'node:fs/promises';

/** Free space of the file system that holds a folder, as statfs tells it. */
export interface DiskFigures {
  freeBytes: number;
  totalBytes: number;
}

/**
 * statfs of StoragePath, cached: the intake path asks on every report, and a statfs per
 * request would put a thread-pool round trip on it. The answer is refreshed in the
 * background when it is older than `maxAgeMs` (1 s); meanwhile callers get the last one.
 */
export class DiskSpace {
  private last: DiskFigures | undefined;
  private at = 0;
  private refreshing: Promise<DiskFigures | undefined> | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxAgeMs = 1000,
  ) {}

  /** The last figures (undefined before the first statfs); starts a refresh when stale. */
  cached(): DiskFigures | undefined {
    if (performance.now() - this.at > this.maxAgeMs) void this.refresh();
    return this.last;
  }

  /** Asks the file system now (one statfs at a time). */
  refresh(): Promise<DiskFigures | undefined> {
    this.refreshing ??= fsp
      .statfs(this.dir)
      .then((s) => {
        this.last = { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
        this.at = performance.now();
        return this.last;
      })
      .catch(() => this.last)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** True for the error a write gets from a full disk. */
  static isNoSpace(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'ENOSPC' || code === 'EDQUOT';
  }
}
