import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { advanceJob, finishJob, jobOf, runningJobs, type JobKind, type JobProgress, type JobRow, type JobRun } from '../storage/jobs-repo';
import { mergeAlongside } from '../storage/search-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';
import { finishPendingDeletes } from './pending-deletes';

/** What one batch of a job did, and whether the job is finished. */
export interface BatchOutcome {
  progress: Omit<JobProgress, 'busyMs'>;
  done: boolean;
}

/**
 * One kind of background job. `batch` runs inside one store.write: it removes at most what
 * fits before `deadline` (performance.now() ms) and says where it stopped.
 */
export interface JobDefinition {
  kind: JobKind;
  batch(db: Database, job: JobRow, deadline: number): BatchOutcome;
  /** Told when the job finishes (a log line). */
  finished?(run: JobRun): void;
}

export interface BackgroundJobsDeps {
  store: Store;
  zips: ZipStore;
  log: Logger;
  definitions: JobDefinition[];
  /** Work per batch, ms: the event loop is held at most this plus one commit. */
  batchMs?: number;
  /** Pause between batches, ms: intake and pages run in it. */
  pauseMs?: number;
}

const DEFAULT_BATCH_MS = 8;
const DEFAULT_PAUSE_MS = 5;
/** Search-index merging after each batch (see mergeSearchSegments): removals add segments. */
const MERGE_MS = 4;

/**
 * Runs the jobs recorded in the jobs table — background clear and retention — as small
 * durable batches: each batch's deletions and its progress commit together, its zips go
 * after it is durable (pending_deletes), and between batches the loop is free. A restart
 * finds the rows and resumes after the last durable batch.
 */
export class BackgroundJobs {
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly byKind: Map<JobKind, JobDefinition>;
  private readonly batchMs: number;
  private readonly pauseMs: number;

  constructor(private readonly deps: BackgroundJobsDeps) {
    this.byKind = new Map(deps.definitions.map((d) => [d.kind, d]));
    this.batchMs = deps.batchMs ?? DEFAULT_BATCH_MS;
    this.pauseMs = deps.pauseMs ?? DEFAULT_PAUSE_MS;
  }

  /** Work was recorded (or left by an earlier run): run it unless already running. */
  kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.loop()
      .catch((err) => this.deps.log.error('фоновая очистка прервана; продолжится при следующем запуске', err))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves once no job is left (tests, the bench). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops after the current batch; what is left resumes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const kinds = this.deps.store.read((db) => runningJobs(db).map((j) => j.kind));
      const known = kinds.filter((k) => this.byKind.has(k));
      if (known.length === 0 || this.stopped) return;
      for (const kind of known) {
        if (this.stopped) return;
        await this.runBatch(this.byKind.get(kind)!);
        await sleep(this.pauseMs);
      }
    }
  }

  private async runBatch(def: JobDefinition): Promise<void> {
    const started = performance.now();
    const outcome = await this.deps.store.write((db) => {
      const job = jobOf(db, def.kind);
      if (!job) return undefined;
      const { progress, done } = def.batch(db, job, started + this.batchMs);
      mergeAlongside(db, MERGE_MS, (m) => this.deps.log.warn(m));
      advanceJob(db, def.kind, { ...progress, busyMs: performance.now() - started });
      return { removed: progress.reports > 0, finished: done ? finishJob(db, def.kind, new Date().toISOString()) : undefined };
    });
    if (outcome?.removed || outcome?.finished) await finishPendingDeletes(this.deps.store, this.deps.zips, this.deps.log);
    if (outcome?.finished) def.finished?.(outcome.finished);
  }
}
