import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CREATE_WRITE_THROUGH } from './engine/fs-util';

// The intake path uses plain file descriptors: a FileHandle costs twice the main-thread
// time per call (promise and handle bookkeeping), and these calls run for every report.
const open = promisify(fs.open);
const write = promisify(fs.write);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const rename = promisify(fs.rename);

const NAME = /^[0-9a-f]{32}\.zip$/;


/**
 * Report zips on disk, byte for byte as received, under names we generate (never a name
 * from a URL or from the zip). A new zip is made durable in `incoming/` before its row is
 * written; once the row is durable it moves to its shard folder. Start-up finishes or
 * undoes whatever a crash left in `incoming/`.
 */
export class ZipStore {
  private readonly incoming: string;

  constructor(private readonly root: string) {
    this.incoming = path.join(root, 'incoming');
    fs.mkdirSync(this.incoming, { recursive: true });
  }

  /**
   * Stores the bytes durably; returns the generated name. No temporary name is needed: a
   * file in incoming/ counts only once a durable row names it, and start-up removes the
   * rest, torn ones included.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const name = randomUUID().replaceAll('-', '') + '.zip';
    const file = path.join(this.incoming, name);
    // Written through (engine/fs-util.ts): no fsync of the file follows its write. 82–117 →
    // 39–45 µs of the main thread per put, 8 at once (a scratch benchmark).
    const fd = await open(file, CREATE_WRITE_THROUGH ?? 'wx');
    try {
      // The file's bytes and its name in incoming/ become durable independently: at once.
      // (Awaited below; a failed write must not leave its rejection unhandled.)
      const named = this.syncIncoming();
      named.catch(() => {});
      for (let done = 0; done < bytes.length; ) done += (await write(fd, bytes, done, bytes.length - done, done)).bytesWritten;
      // Both settle before the catch may close the descriptor (a sync in flight on a closed,
      // reused number would reach another file).
      const synced = await Promise.allSettled([CREATE_WRITE_THROUGH === undefined ? fsync(fd) : undefined, named]);
      const failed = synced.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      // A full disk must not leave half a zip behind until the next start.
      fs.closeSync(fd);
      await fsp.rm(file, { force: true }).catch(() => {});
      throw err;
    }
    // Nothing is left to flush: closing in place is cheaper than a trip to the thread pool.
    fs.closeSync(fd);
    return name;
  }

  private syncing: Promise<void> | undefined;
  private syncAgain: Promise<void> | undefined;
  /** incoming/ stays open for its fsyncs (one call each instead of open, fsync, close). */
  private incomingFd: Promise<number> | undefined;

  /**
   * fsync of incoming/ so the new names survive a power cut. Concurrent puts share one:
   * a caller that arrives while a sync runs waits for the next one (which starts after
   * its file was created), never for one that may have missed it.
   */
  private syncIncoming(): Promise<void> {
    if (process.platform === 'win32') return Promise.resolve(); // directories cannot be fsync'ed there
    if (!this.syncing) {
      this.incomingFd ??= open(this.incoming, 'r').catch((err: unknown) => {
        this.incomingFd = undefined; // try again next time (EMFILE, say)
        throw err;
      });
      this.syncing = this.incomingFd.then(fsync).finally(() => {
        this.syncing = undefined;
      });
      return this.syncing;
    }
    this.syncAgain ??= this.syncing.then(
      () => this.syncAgainNow(),
      () => this.syncAgainNow(),
    );
    return this.syncAgain;
  }

  private syncAgainNow(): Promise<void> {
    this.syncAgain = undefined;
    return this.syncIncoming();
  }

  /** Shard folders known to exist: one mkdir per folder per process, not per report. */
  private readonly shards = new Set<string>();

  /** The row naming this zip is durable: move it to its final folder (crash-safe either way). */
  async settle(name: string): Promise<void> {
    const shard = this.shardDir(name);
    const from = path.join(this.incoming, name);
    const to = path.join(shard, name);
    if (!this.shards.has(shard)) {
      await fsp.mkdir(shard, { recursive: true });
      this.shards.add(shard);
    }
    try {
      await rename(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(from)) throw err;
      // The shard folder went away under us: make it again.
      await fsp.mkdir(shard, { recursive: true });
      await rename(from, to);
    }
  }

  /** Releases incoming/'s descriptor; the store may still be used (it reopens). */
  async close(): Promise<void> {
    const fd = this.incomingFd;
    this.incomingFd = undefined;
    if (fd) await fd.then(close).catch(() => undefined);
  }

  /** The row was never written (refused, duplicate): the zip goes. */
  async discard(name: string): Promise<void> {
    await fsp.rm(path.join(this.incoming, assertName(name)), { force: true });
  }

  /** incoming/ first: a settle racing with this moves the file into the shard before we look there. */
  async remove(name: string): Promise<void> {
    await fsp.rm(path.join(this.incoming, assertName(name)), { force: true });
    await fsp.rm(path.join(this.shardDir(name), name), { force: true });
  }

  /** How many files wait in incoming/ (the status page; a handful while reports arrive). */
  async incomingCount(): Promise<number> {
    return (await fsp.readdir(this.incoming)).length;
  }

  /** Where the zip is now, or undefined. */
  locate(name: string): string | undefined {
    if (!NAME.test(name)) return undefined;
    for (const p of [path.join(this.shardDir(name), name), path.join(this.incoming, name)]) {
      if (fs.existsSync(p)) return p;
    }
    return undefined;
  }

  /**
   * Start-up repair of `incoming/`: zips whose row exists are settled; the rest (never
   * acknowledged, maybe half-written) go.
   */
  async recover(isReferenced: (name: string) => boolean): Promise<{ settled: number; removed: number }> {
    let settled = 0;
    let removed = 0;
    for (const entry of await fsp.readdir(this.incoming)) {
      if (NAME.test(entry) && isReferenced(entry)) {
        await this.settle(entry);
        settled++;
      } else {
        await fsp.rm(path.join(this.incoming, entry), { force: true, recursive: true });
        removed++;
      }
    }
    return { settled, removed };
  }

  private shardDir(name: string): string {
    return path.join(this.root, assertName(name).slice(0, 2));
  }
}

function assertName(name: string): string {
  if (!NAME.test(name)) throw new Error(`недопустимое имя файла отчёта: ${name}`);
  return name;
}
