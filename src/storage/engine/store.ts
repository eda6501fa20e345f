/**
 * The durable store: a sql.js database whose every committed transaction is appended to
 * a journal and fdatasync'ed before the write's promise resolves.
 *
 * Write callbacks run synchronously, one after another, inside BEGIN…COMMIT; the journal
 * flush happens afterwards. Commits that arrive while a flush is in flight are batched
 * into the next one (group commit), so there is one fdatasync for many writes and never
 * an open transaction across an await.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Statement } from 'sql.js';
import { DB_FILE } from './journal-file';
import type { CaptureHub } from './capture';
import { StorageCaptureError, StorageClosedError } from './errors';
import { GroupCommit, type GroupCommitParts } from './group-commit';
import { forgetStatements, prepared } from './statements';
import { closeDb } from './db-guard';

export interface StoreStats {
  /** Bytes in the current journal generation. */
  journalBytes: number;
  /** Bytes appended to journals since open (write amplification = this / commits). */
  journaledBytes: number;
  /** Journal files on disk (the current one plus those awaiting checkpoint). */
  journalGenerations: number;
  /** Bytes of captured pages held in memory for the next checkpoint. */
  heldBytes: number;
  /** Database file size. */
  dbBytes: number;
  commits: number;
  flushes: number;
  /** Commits per journal flush (group commit effectiveness). */
  averageGroupSize: number;
  checkpoints: number;
  lastCheckpointMs: number;
  lastCheckpointError: string | undefined;
  failed: boolean;
  /** The sql.js build that runs: "release 1.16.0" or "debug". */
  engine: string;
  /** Reads of pult.sqlite that failed since open (each failed one statement), and the last reason. */
  readErrors: number;
  lastReadError: string | undefined;
}

export interface StoreParts extends GroupCommitParts {
  db: Database;
  hub: CaptureHub;
  /** The sql.js build, as SqlEngine.build says. */
  build: string;
  onClosed: () => Promise<void>;
}

type State = 'open' | 'closing' | 'closed';

export class Store {
  private state: State = 'open';
  private inWrite = false;
  private commits = 0;
  private closing: Promise<void> | undefined;
  private readonly group: GroupCommit;

  /** @internal use openStore() */
  constructor(private readonly p: StoreParts) {
    this.group = new GroupCommit(p);
  }

  /**
   * Runs `fn` in a transaction and resolves with its result once the change is durable.
   * `fn` must be synchronous and must not BEGIN/COMMIT itself; if it throws, the
   * transaction is rolled back and the promise rejects with that error.
   */
  write<T>(fn: (db: Database) => T): Promise<T> {
    try {
      this.assertWritable();
      if (this.inWrite) throw new TypeError('store.write() called inside another write callback');
    } catch (err) {
      return Promise.reject(err);
    }
    const { db, tracker } = this.p;
    this.inWrite = true;
    let result: T;
    try {
      db.run('BEGIN');
      result = fn(db);
      if (isThenable(result)) throw new TypeError('store.write() callback must be synchronous');
      db.run('COMMIT');
    } catch (err) {
      rollbackQuietly(db);
      return Promise.reject(err);
    } finally {
      this.inWrite = false;
      if (tracker.broken) this.group.fail(new StorageCaptureError(tracker.broken.message));
    }
    if (this.group.failure) return Promise.reject(this.group.failure);
    this.commits++;
    return this.group.enqueue(1).then(() => result);
  }

  /** Runs `fn` synchronously against the database; it must not modify it. */
  read<T>(fn: (db: Database) => T): T {
    if (this.state === 'closed') throw new StorageClosedError();
    const serial = this.p.tracker.serial;
    const commits = this.commits;
    const result = fn(this.p.db);
    // A store.write() inside the callback is fine; a bare INSERT is not journaled.
    if (this.p.tracker.serial !== serial && this.commits === commits && !this.inWrite) {
      void this.group.enqueue(1).catch(() => undefined);
      throw new TypeError('store.read() callback modified the database; use store.write()');
    }
    return result;
  }

  /** A prepared statement cached by its SQL text, reset and ready to bind. Do not free it. */
  prepare(sql: string): Statement {
    if (this.state === 'closed') throw new StorageClosedError();
    return prepared(this.p.db, sql);
  }

  /** Writes everything journaled so far into pult.sqlite and waits for it. */
  async checkpoint(): Promise<void> {
    this.assertWritable();
    await this.group.rotateNow();
    await this.p.checkpointer.drain();
  }

  /**
   * Copies a consistent image of the database to `dest` while writes go on: everything
   * committed so far is checkpointed into pult.sqlite, which then stays unchanged (new
   * commits wait in the journal) while the kernel copies it. No copy in our memory.
   */
  async copyTo(dest: string): Promise<void> {
    await this.checkpoint();
    const release = await this.p.checkpointer.hold();
    try {
      await copyFile(path.join(this.p.dir, DB_FILE), dest);
    } finally {
      release();
    }
  }

  /** Bytes appended to the journal since open (the disk guard asks on every pushReport and getInfo). */
  get journaledBytes(): number {
    return this.group.journaledBytes;
  }

  stats(): StoreStats {
    const c = this.p.checkpointer;
    const { flushes } = this.group;
    return {
      journalBytes: this.group.journal.bytes,
      journaledBytes: this.journaledBytes,
      journalGenerations: c.pendingJournals + (this.state === 'closed' ? 0 : 1),
      heldBytes: this.p.tracker.generationBytes,
      dbBytes: this.p.tracker.size,
      commits: this.commits,
      flushes,
      averageGroupSize: flushes === 0 ? 0 : this.commits / flushes,
      checkpoints: c.count,
      lastCheckpointMs: c.lastMs,
      lastCheckpointError: c.lastError === undefined ? undefined : String(c.lastError),
      failed: this.group.failure !== undefined,
      engine: this.p.build,
      readErrors: this.p.tracker.readErrors,
      lastReadError: this.p.tracker.lastReadError === undefined ? undefined : String(this.p.tracker.lastReadError),
    };
  }

  /** Waits for pending writes, takes a final checkpoint and releases the directory. */
  close(): Promise<void> {
    this.closing ??= this.shutdown(false);
    return this.closing;
  }

  /** @internal Stops dead, as kill -9 would (journals and files stay as they are). */
  abandon(): Promise<void> {
    this.closing ??= this.shutdown(true);
    return this.closing;
  }

  /** @internal Start-up self-test: proves that commits reach the capture layer. */
  selfTestCommit(sql: string): { headerBlock: Uint8Array | undefined; size: number; durable: Promise<void> } {
    const { db, tracker } = this.p;
    const before = tracker.serial;
    db.run('BEGIN');
    db.run(sql);
    db.run('COMMIT');
    const headerBlock = tracker.serial === before ? undefined : tracker.pendingBlockAt(0)?.bytes;
    this.commits++;
    return { headerBlock, size: tracker.size, durable: this.group.enqueue(1) };
  }

  private assertWritable(): void {
    if (this.state !== 'open') throw new StorageClosedError();
    if (this.group.failure) throw this.group.failure;
  }

  private async shutdown(crash: boolean): Promise<void> {
    this.state = 'closing';
    const { checkpointer, tracker } = this.p;
    let error: unknown;
    if (crash) {
      this.group.stop();
      await checkpointer.stop();
    }
    await this.group.idle();
    const journal = this.group.journal;
    try {
      if (!crash && !this.group.failure) {
        await checkpointer.drain();
        const retired = tracker.takeGeneration();
        await journal.close();
        checkpointer.submit({ ...retired, journals: [journal.path] });
        await checkpointer.drain();
      }
    } catch (err) {
      error = err;
      this.p.log({ level: 'error', message: 'Заключительная контрольная точка не записана; журнал сохранён', err });
    } finally {
      await journal.close().catch(() => undefined);
      // Nothing of this store may run once the directory is released: a failed final
      // checkpoint left its retry armed, which wrote stale pages (and deleted journals) under
      // the next store of the directory — in this process or another (review, helper-18).
      await checkpointer.stop();
    }
    this.state = 'closed';
    forgetStatements(this.p.db);
    closeDb(this.p.db);
    this.p.hub.release(tracker);
    tracker.file.close();
    await this.p.onClosed();
    if (error) throw error;
  }
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function rollbackQuietly(db: Database): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // No transaction left open (BEGIN failed, or the callback ended it itself).
  }
}
