/**
 * The durable store: a sql.js database whose every committed transaction is appended to
 * a journal and fdatasync'ed before the write's promise resolves.
 *
 * Write callbacks run synchronously, one after another, inside BEGIN…COMMIT; the journal
 * flush happens afterwards. Commits that arrive while a flush is in flight are batched
 * into the next one (group commit), so there is one fdatasync for many writes and never
 * an open transaction across an await.
 */
import type { Database, Statement } from 'sql.js';
import type { CaptureHub, FileTracker } from './capture';
import type { CheckpointPlan } from './checkpoint';
import type { Checkpointer } from './checkpointer';
import { StorageCaptureError, StorageClosedError, StorageFailedError } from './errors';
import { encodeGroup } from './journal-format';
import { JournalWriter } from './journal-file';
import type { StorageLogger } from './log';
import { StatementCache } from './statement-cache';
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
}

export interface StoreParts {
  dir: string;
  db: Database;
  hub: CaptureHub;
  tracker: FileTracker;
  journal: JournalWriter;
  nextSeq: number;
  checkpointer: Checkpointer;
  journalLimitBytes: number;
  log: StorageLogger;
  onClosed: () => Promise<void>;
}

interface Batch {
  commits: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type State = 'open' | 'closing' | 'closed';

export class Store {
  private state: State = 'open';
  private failure: StorageFailedError | undefined;
  private batch: Batch | undefined;
  private pumping: Promise<void> | undefined;
  private inWrite = false;
  private rotateRequested = false;
  private journal: JournalWriter;
  private nextSeq: number;
  private journaledSize: number;
  private commits = 0;
  private flushes = 0;
  private journaledBytes = 0;
  private closing: Promise<void> | undefined;
  private readonly statements: StatementCache;
  private readonly abort = new AbortController();

  /** @internal use openStore() */
  constructor(private readonly p: StoreParts) {
    this.journal = p.journal;
    this.nextSeq = p.nextSeq;
    this.journaledSize = p.tracker.size;
    this.statements = new StatementCache(p.db);
  }

  /**
   * Runs `fn` in a transaction and resolves with its result once the change is durable.
   * `fn` must be synchronous; if it throws, the transaction is rolled back and the
   * promise rejects with that error.
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
      if (tracker.broken) this.fail(new StorageCaptureError(tracker.broken.message));
    }
    if (this.failure) return Promise.reject(this.failure);
    this.commits++;
    return this.enqueue(1).then(() => result);
  }

  /** Runs `fn` synchronously against the database; it must not modify it. */
  read<T>(fn: (db: Database) => T): T {
    if (this.state === 'closed') throw new StorageClosedError();
    const serial = this.p.tracker.serial;
    const commits = this.commits;
    const result = fn(this.p.db);
    // A store.write() inside the callback is fine; a bare INSERT is not journaled.
    if (this.p.tracker.serial !== serial && this.commits === commits && !this.inWrite) {
      void this.enqueue(1).catch(() => undefined);
      throw new TypeError('store.read() callback modified the database; use store.write()');
    }
    return result;
  }

  /** A prepared statement cached by its SQL text, reset and ready to bind. Do not free it. */
  prepare(sql: string): Statement {
    if (this.state === 'closed') throw new StorageClosedError();
    return this.statements.get(sql);
  }

  /** Writes everything journaled so far into pult.sqlite and waits for it. */
  async checkpoint(): Promise<void> {
    this.assertWritable();
    this.rotateRequested = true;
    do {
      await this.p.checkpointer.drain();
      await this.enqueue(0);
      // The rotation itself runs in the pump after the batch resolves.
      while (this.pumping) await this.pumping;
    } while (this.rotateRequested);
    await this.p.checkpointer.drain();
  }

  stats(): StoreStats {
    const c = this.p.checkpointer;
    return {
      journalBytes: this.journal.bytes,
      journaledBytes: this.journaledBytes,
      journalGenerations: c.pendingJournals + (this.state === 'closed' ? 0 : 1),
      heldBytes: this.p.tracker.generationBytes,
      dbBytes: this.p.tracker.size,
      commits: this.commits,
      flushes: this.flushes,
      averageGroupSize: this.flushes === 0 ? 0 : this.commits / this.flushes,
      checkpoints: c.count,
      lastCheckpointMs: c.lastMs,
      lastCheckpointError: c.lastError === undefined ? undefined : String(c.lastError),
      failed: this.failure !== undefined,
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
    return { headerBlock, size: tracker.size, durable: this.enqueue(1) };
  }

  private enqueue(commits: number): Promise<void> {
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.batch = { commits: 0, promise, resolve, reject };
    }
    this.batch.commits += commits;
    // setImmediate, not a microtask: commits from all callbacks of this loop turn share a flush.
    this.pumping ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.pump());
    return this.batch.promise;
  }

  private async pump(): Promise<void> {
    try {
      while (this.batch) {
        const batch = this.batch;
        this.batch = undefined;
        let rotation: CheckpointPlan | undefined;
        try {
          rotation = await this.flush(batch.commits);
          batch.resolve();
        } catch (err) {
          batch.reject(this.fail(err));
          continue;
        }
        if (rotation) await this.rotate(rotation).catch((err: unknown) => this.fail(err));
      }
    } finally {
      this.pumping = undefined;
    }
  }

  /** Appends everything captured since the last flush; returns a generation to retire. */
  private async flush(commits: number): Promise<CheckpointPlan | undefined> {
    if (this.failure) throw this.failure;
    const { tracker, checkpointer, journalLimitBytes } = this.p;
    // Taken in one synchronous step: the generation handed to a checkpoint must hold
    // exactly what the journal being retired holds, nothing newer.
    const delta = tracker.takeDelta();
    const changed = !delta.pages.isEmpty || delta.minSize !== this.journaledSize || delta.size !== this.journaledSize;
    const group = changed
      ? encodeGroup({ seq: this.nextSeq, size: delta.size, minSize: delta.minSize, commits, runs: delta.pages.runs(delta.size, 4096) })
      : undefined;
    const journalBytes = this.journal.bytes + (group?.length ?? 0);
    const hasGroups = this.journal.groups > 0 || group !== undefined;
    if (!hasGroups) this.rotateRequested = false;
    const rotate =
      hasGroups && !checkpointer.busy && (this.rotateRequested || journalBytes >= journalLimitBytes);
    const generation = rotate ? tracker.takeGeneration() : undefined;
    if (group) {
      this.abort.signal.throwIfAborted();
      await this.journal.append(group);
      this.nextSeq++;
      this.journaledSize = delta.size;
      this.flushes++;
      this.journaledBytes += group.length;
    }
    if (!generation) return undefined;
    this.rotateRequested = false;
    return { runs: generation.pages.runs(generation.size), minSize: generation.minSize, size: generation.size };
  }

  private async rotate(plan: CheckpointPlan): Promise<void> {
    this.abort.signal.throwIfAborted();
    const old = this.journal;
    this.journal = await JournalWriter.create(this.p.dir, old.generation + 1, this.nextSeq);
    await old.close();
    this.p.checkpointer.submit({ plan, journals: [old.path] });
  }

  private fail(err: unknown): StorageFailedError {
    if (!this.failure) {
      this.failure = err instanceof StorageFailedError ? err : new StorageFailedError(err);
      if (!this.abort.signal.aborted) this.p.log({ level: 'error', message: this.failure.message, err });
    }
    return this.failure;
  }

  private assertWritable(): void {
    if (this.state !== 'open') throw new StorageClosedError();
    if (this.failure) throw this.failure;
  }

  private async shutdown(crash: boolean): Promise<void> {
    this.state = 'closing';
    const { checkpointer, tracker } = this.p;
    let error: unknown;
    if (crash) {
      this.abort.abort();
      await checkpointer.stop();
    }
    await this.pumping;
    if (!crash && !this.failure) {
      try {
        await checkpointer.drain();
        const generation = tracker.takeGeneration();
        await this.journal.close();
        const plan = { runs: generation.pages.runs(generation.size), minSize: generation.minSize, size: generation.size };
        checkpointer.submit({ plan, journals: [this.journal.path] });
        await checkpointer.drain();
      } catch (err) {
        error = err;
        this.p.log({ level: 'error', message: 'Заключительная контрольная точка не записана; журнал сохранён', err });
      }
    } else {
      await this.journal.close().catch(() => undefined);
    }
    this.state = 'closed';
    this.statements.clear();
    closeDb(this.p.db);
    this.p.hub.release(tracker);
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
