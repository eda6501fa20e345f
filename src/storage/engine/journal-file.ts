/**
 * The append side of a journal generation: `journal.<n>` files in the data directory.
 * An append resolves only after the bytes are on stable storage: the file is written
 * through (O_DSYNC, fs-util.ts), or fdatasync'ed after each write where that flag is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeFileHeader, FILE_HEADER_SIZE } from './journal-format';
import { CREATE_WRITE_THROUGH, fsyncDir } from './fs-util';

// A plain descriptor, not a FileHandle: a handle's promise bookkeeping costs main-thread time
// on every append, and there is an append per group commit.
const open = promisify(fs.open);
const write = promisify(fs.write);
const fdatasync = promisify(fs.fdatasync);
const close = promisify(fs.close);

export const DB_FILE = 'pult.sqlite';

export function journalPath(dir: string, generation: number): string {
  return path.join(dir, `journal.${generation}`);
}

/** The generation number of a journal file name, or undefined for other files. */
export function parseJournalName(name: string): number | undefined {
  const m = /^journal\.(\d{1,15})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export class JournalWriter {
  private position = FILE_HEADER_SIZE;
  private groupCount = 0;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    readonly generation: number,
  ) {}

  /** Creates the file with its header and makes both it and its directory entry durable. */
  static async create(dir: string, generation: number, firstSeq: number): Promise<JournalWriter> {
    const file = journalPath(dir, generation);
    const fd = await open(file, CREATE_WRITE_THROUGH ?? 'wx');
    try {
      await writeDurably(fd, encodeFileHeader({ generation, firstSeq }), 0);
      await fsyncDir(dir);
    } catch (err) {
      await close(fd).catch(() => undefined);
      throw err;
    }
    return new JournalWriter(fd, file, generation);
  }

  /** File length in bytes. */
  get bytes(): number {
    return this.position;
  }

  get groups(): number {
    return this.groupCount;
  }

  async append(group: Buffer): Promise<void> {
    await writeDurably(this.fd, group, this.position);
    this.position += group.length;
    this.groupCount++;
  }

  private closing: Promise<void> | undefined;

  /** Closes the descriptor once: a second close would hit whatever reused its number. */
  close(): Promise<void> {
    return (this.closing ??= close(this.fd));
  }
}

/** Writes all of `buf` at `position` and resolves once it is on stable storage. */
async function writeDurably(fd: number, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await write(fd, buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
  if (CREATE_WRITE_THROUGH === undefined) await fdatasync(fd);
}
