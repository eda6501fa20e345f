import { open } from 'node:fs/promises';

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
