/**
 * Runs checkpoint jobs one at a time, strictly in order. A failed job stays at the head
 * and is retried with back-off: a later generation must never be checkpointed (and its
 * journal deleted) while an earlier one is still pending.
 */
import { runCheckpoint, type CheckpointHooks, type CheckpointJob } from './checkpoint';
import type { StorageLogger } from './log';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;

export class Checkpointer {
  private queue: CheckpointJob[] = [];
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private readonly controller = new AbortController();
  private holds = 0;
  count = 0;
  lastMs = 0;
  lastError: unknown;

  constructor(
    private readonly dir: string,
    private readonly log: StorageLogger,
    private readonly hooks: CheckpointHooks = {},
  ) {}

  /** True while any job is queued, running or waiting for a retry. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Journal files not yet checkpointed, plus nothing else. */
  get pendingJournals(): number {
    return this.queue.reduce((n, job) => n + job.journals.length, 0);
  }

  submit(job: CheckpointJob): void {
    this.queue.push(job);
    this.kick();
  }

  /**
   * Keeps pult.sqlite unchanged until the returned function is called: no job starts, and
   * the one running when asked has finished when this resolves. Journals keep every
   * commit meanwhile; hold only for as long as a file copy takes.
   */
  async hold(): Promise<() => void> {
    this.holds++;
    await this.running;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.kick();
    };
  }

  /** Waits until the queue is empty; a failing job is tried once more, then its error thrown. */
  async drain(): Promise<void> {
    while (this.holds > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    while (this.queue.length > 0) {
      if (this.running) {
        await this.running;
        continue;
      }
      const head = this.queue[0]!;
      this.clearRetry();
      this.kick();
      await this.running;
      if (this.queue[0] === head) throw this.lastError;
    }
  }

  /** Abandons work as a crash would: stops before the next I/O step. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.clearRetry();
    await this.running;
  }

  private kick(): void {
    if (this.running || this.holds > 0 || this.retryTimer || this.queue.length === 0 || this.controller.signal.aborted) return;
    this.running = this.runHead().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async runHead(): Promise<void> {
    const job = this.queue[0]!;
    const started = performance.now();
    try {
      await runCheckpoint(this.dir, job, this.controller.signal, this.hooks);
      job.settle();
      this.queue.shift();
      this.count++;
      this.lastMs = performance.now() - started;
      this.lastError = undefined;
      this.retryDelay = RETRY_MIN_MS;
    } catch (err) {
      this.lastError = err;
      if (this.controller.signal.aborted) return;
      this.log({ level: 'error', message: 'Не удалось записать контрольную точку pult.sqlite; повтор позже', err });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, this.retryDelay).unref();
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    }
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
