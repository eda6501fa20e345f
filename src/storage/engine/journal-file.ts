/**
 * The append side of a journal generation: `journal.<n>` files in the data directory.
 * An append resolves only after the bytes are on stable storage (fdatasync).
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeFileHeader, FILE_HEADER_SIZE } from './journal-format';
import { fsyncDir } from './fs-util';

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
    private readonly fh: FileHandle,
    readonly path: string,
    readonly generation: number,
  ) {}

  /** Creates the file with its header and makes both it and its directory entry durable. */
  static async create(dir: string, generation: number, firstSeq: number): Promise<JournalWriter> {
    const file = journalPath(dir, generation);
    const fh = await open(file, 'wx');
    try {
      await writeAll(fh, encodeFileHeader({ generation, firstSeq }), 0);
      await fh.datasync();
      await fsyncDir(dir);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
    return new JournalWriter(fh, file, generation);
  }

  /** File length in bytes. */
  get bytes(): number {
    return this.position;
  }

  get groups(): number {
    return this.groupCount;
  }

  async append(group: Buffer): Promise<void> {
    await writeAll(this.fh, group, this.position);
    await this.fh.datasync();
    this.position += group.length;
    this.groupCount++;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}
