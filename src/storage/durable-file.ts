import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from './engine/fs-util';

export { fsyncDir };

/**
 * Replaces a file atomically and durably: write a temporary sibling, fsync it, rename it
 * over the target, fsync the directory. A crash leaves the old file or the new one.
 */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}
