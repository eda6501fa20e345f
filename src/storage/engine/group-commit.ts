/**
 * Group commit: commits made while a journal flush is in flight are batched into the
 * next flush, so one fdatasync serves many writes. Also decides when the journal rotates
 * and hands the retired generation to the checkpointer.
 */
import type { FileTracker } from './capture';
import type { RetiredPages } from './checkpoint';
import type { Checkpointer } from './checkpointer';
import { StorageFailedError } from './errors';
import { encodeGroup } from './journal-format';
import { journalRuns } from './page-diff';
import { JournalWriter } from './journal-file';
import type { StorageLogger } from './log';

interface Batch {
  commits: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitParts {
  dir: string;
  tracker: FileTracker;
  journal: JournalWriter;
  nextSeq: number;
  checkpointer: Checkpointer;
  journalLimitBytes: number;
  log: StorageLogger;
}

/** The largest frame we write: 16 MiB of contiguous pages. */
const MAX_FRAME_CHUNKS = 4096;

export class GroupCommit {
  failure: StorageFailedError | undefined;
  flushes = 0;
  journaledBytes = 0;
  private batch: Batch | undefined;
  private pumping: Promise<void> | undefined;
  private rotateRequested = false;
  private current: JournalWriter;
  private nextSeq: number;
  private journaledSize: number;
  private readonly abort = new AbortController();

  constructor(private readonly p: GroupCommitParts) {
    this.current = p.journal;
    this.nextSeq = p.nextSeq;
    this.journaledSize = p.tracker.size;
  }

  get journal(): JournalWriter {
    return this.current;
  }

  /** Resolves once everything committed so far is durable in the journal. */
  enqueue(commits: number): Promise<void> {
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

  /** Retires the current generation to a checkpoint now (waits until it is handed over). */
  async rotateNow(): Promise<void> {
    this.rotateRequested = true;
    do {
      await this.p.checkpointer.drain();
      await this.enqueue(0);
      await this.idle(); // the rotation runs in the pump after the batch resolves
    } while (this.rotateRequested);
  }

  /** Waits until no flush or rotation is running. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Stops before the next I/O step, as a crash would. */
  stop(): void {
    this.abort.abort();
  }

  fail(err: unknown): StorageFailedError {
    if (!this.failure) {
      this.failure = err instanceof StorageFailedError ? err : new StorageFailedError(err);
      if (!this.abort.signal.aborted) this.p.log({ level: 'error', message: this.failure.message, err });
    }
    return this.failure;
  }

  private async pump(): Promise<void> {
    try {
      while (this.batch) {
        const batch = this.batch;
        this.batch = undefined;
        let rotation: RetiredPages | undefined;
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
  private async flush(commits: number): Promise<RetiredPages | undefined> {
    if (this.failure) throw this.failure;
    const { tracker, checkpointer, journalLimitBytes } = this.p;
    // Taken in one synchronous step: the generation handed to a checkpoint must hold
    // exactly what the journal being retired holds, nothing newer.
    const delta = tracker.takeDelta();
    const changed = !delta.pages.isEmpty || delta.minSize !== this.journaledSize || delta.size !== this.journaledSize;
    const group = changed
      ? encodeGroup({
          seq: this.nextSeq,
          size: delta.size,
          minSize: delta.minSize,
          commits,
          runs: journalRuns(delta.pages, delta.bases, delta.size, MAX_FRAME_CHUNKS),
        })
      : undefined;
    // The group holds its own copy of the pages: the delta's memory serves the next one.
    tracker.recycleDelta(delta);
    const hasGroups = this.current.groups > 0 || group !== undefined;
    if (!hasGroups) this.rotateRequested = false;
    // Changed ranges are a fifth of their pages: the pages a generation holds in memory until
    // its checkpoint would outgrow the journal. Half the limit for them keeps the memory where
    // whole pages kept it (peak RSS at 1M reports 291–301 MB with the full limit, 244 before).
    const full = this.current.bytes + (group?.length ?? 0) >= journalLimitBytes || tracker.generationBytes >= journalLimitBytes / 2;
    const generation = hasGroups && !checkpointer.busy && (this.rotateRequested || full) ? tracker.takeGeneration() : undefined;
    if (group) {
      this.abort.signal.throwIfAborted();
      await this.current.append(group);
      this.nextSeq++;
      this.journaledSize = delta.size;
      this.flushes++;
      this.journaledBytes += group.length;
    }
    if (!generation) return undefined;
    this.rotateRequested = false;
    return generation;
  }

  private async rotate(retired: RetiredPages): Promise<void> {
    this.abort.signal.throwIfAborted();
    const old = this.current;
    this.current = await JournalWriter.create(this.p.dir, old.generation + 1, this.nextSeq);
    await old.close();
    this.p.checkpointer.submit({ ...retired, journals: [old.path] });
  }
}
