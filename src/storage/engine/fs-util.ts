import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

const { O_WRONLY, O_CREAT, O_EXCL, O_DSYNC } = constants;

/**
 * Flags that create a file exclusively and write through it: with O_DSYNC a write returns
 * once its bytes, and the size that reads them back, are on the disk — what an fdatasync
 * after it gives — so no sync call follows, one trip to the thread pool fewer per durable
 * write. Undefined where the platform has no O_DSYNC: the caller opens with 'wx' and syncs.
 */
export const CREATE_WRITE_THROUGH: number | undefined = O_DSYNC === undefined ? undefined : O_WRONLY | O_CREAT | O_EXCL | O_DSYNC;

/**
 * Makes a directory's entries (created, deleted files) durable. Windows cannot fsync a
 * directory and does not need to (NTFS journals metadata), so it is skipped there.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
