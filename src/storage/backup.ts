import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Store } from './store';

/** A database copy on disk, ready to send; `done` removes it. */
export interface BackupFile {
  file: string;
  bytes: number;
  done(): Promise<void>;
}

/**
 * Online backups of the database: a copy is taken into `<StoragePath>/backup/` (the
 * engine keeps pult.sqlite still while the kernel copies it), sent, then removed. The
 * download may take as long as the client likes: the engine is held only for the copy.
 */
export class DatabaseBackups {
  private readonly dir: string;
  /** A copy being taken or sent: one at a time, so repeated requests cannot fill the disk. */
  private busy = false;

  constructor(
    private readonly store: Store,
    storagePath: string,
  ) {
    this.dir = path.join(storagePath, 'backup');
    // Copies left by a stop in the middle of a download.
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A copy, or undefined while another one is being taken or downloaded. */
  async take(): Promise<BackupFile | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    const file = path.join(this.dir, `${randomUUID()}.sqlite`);
    try {
      await fsp.mkdir(this.dir, { recursive: true });
      await this.store.copyTo(file);
      const { size } = await fsp.stat(file);
      let finished = false;
      const done = async () => {
        if (finished) return;
        finished = true;
        // The slot is free as soon as the sending ended; the old copy goes meanwhile.
        this.busy = false;
        await fsp.rm(file, { force: true });
      };
      return { file, bytes: size, done };
    } catch (err) {
      await fsp.rm(file, { force: true });
      this.busy = false;
      throw err;
    }
  }
}
