import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { removeReports } from '../storage/clear-repo';
import { jobOf, lastRunOf, startJob, type JobRun } from '../storage/jobs-repo';
import { firstReportId, kthNewestReportId, reportsAfter, type AgedReport } from '../storage/retention-repo';
import type { Store } from '../storage/store';
import type { BatchOutcome, JobDefinition } from './background-jobs';
import { progressOf } from './clear';
import { retentionRules, type Settings } from './settings-schema';
import { sweepReportUids } from './uid-sweep';

/** Fixed when a pass starts: reports received before `cutoff` may go. */
interface RetentionPlan {
  cutoff: string;
}

const WALK_CHUNK = 64;
const MAX_REMOVED_PER_BATCH = 500;
const REMOVE_CHUNK = 24;
const DAY_MS = 86_400_000;

/**
 * THE retention rule: a report may go when pult received it more than `days` ago, unless
 * it is its error's first report or one of its `keepLatest` newest. Errors, their counts,
 * marks and everything else about them stay; only report rows and their zips go.
 */
export function isExpired(db: Database, r: AgedReport, cutoff: string, keepLatest: number, memo: Map<number, { first: number; kth: number }>): boolean {
  if (r.received_at >= cutoff) return false;
  let keep = memo.get(r.error_id);
  if (!keep) {
    const first = firstReportId(db, r.error_id) ?? r.id;
    // With fewer than keepLatest reports every one of them is among the newest.
    const kth = keepLatest === 0 ? Infinity : (kthNewestReportId(db, r.error_id, keepLatest) ?? -Infinity);
    keep = { first, kth };
    memo.set(r.error_id, keep);
  }
  return r.id !== keep.first && r.id < keep.kth;
}

/**
 * The retention job: walks the reports by id — the order pult received them — up to the
 * first one inside the kept period, removing the expired ones in small batches; then
 * forgets the ids of repeats of removed reports. Disabled meanwhile: the pass ends.
 */
export function retentionJob(settings: { get(): Settings }, log: Logger): JobDefinition {
  return {
    kind: 'retention',
    batch(db, job, deadline) {
      const { cutoff } = JSON.parse(job.plan) as RetentionPlan;
      const rules = retentionRules(settings.get());
      const out: BatchOutcome = { progress: progressOf(job), done: false };
      const p = out.progress;
      if (!rules.enabled) return { ...out, done: true };
      if (p.phase === 1) {
        const swept = sweepReportUids(db, p.textCursor, deadline);
        p.textCursor = swept.afterUid;
        return { ...out, done: swept.done };
      }
      const memo = new Map<number, { first: number; kth: number }>();
      const chosen: AgedReport[] = [];
      // Removing is the dear part (index and search-index deletes): it goes in small chunks
      // and the clock is read after each row and each chunk, so a batch ends close to its
      // deadline instead of after up to MAX_REMOVED_PER_BATCH removals (~100 ms at 1M).
      const removeChosen = (): void => {
        removeReports(db, chosen);
        p.reports += chosen.length;
        p.bytes += chosen.reduce((n, r) => n + r.zip_size, 0);
        chosen.length = 0;
      };
      let spent = false;
      while (!spent && p.reports + chosen.length < MAX_REMOVED_PER_BATCH) {
        const rows = reportsAfter(db, p.cursor, WALK_CHUNK);
        let walkedAll = true;
        for (const r of rows) {
          if (r.received_at >= cutoff) {
            p.phase = 1;
            break;
          }
          if (isExpired(db, r, cutoff, rules.keepLatest, memo)) chosen.push(r);
          p.cursor = r.id;
          if (chosen.length >= REMOVE_CHUNK) removeChosen();
          if (performance.now() >= deadline) {
            spent = true;
            walkedAll = r === rows[rows.length - 1];
            break;
          }
        }
        if (p.phase === 1) break;
        if (walkedAll && rows.length < WALK_CHUNK) {
          p.phase = 1;
          break;
        }
      }
      // Everything walked up to the cursor is decided in this same transaction.
      removeChosen();
      return out;
    },
    finished(run) {
      log.info(`хранение: удалено старых отчётов ${run.reports} (${run.bytes} байт) за ${Math.round(run.elapsedMs / 1000)} с`);
    },
  };
}

/** Starts a retention pass now unless one runs or retention is off; true when started. */
export async function startRetentionPass(store: Store, settings: Settings, now = new Date()): Promise<boolean> {
  const rules = retentionRules(settings);
  if (!rules.enabled) return false;
  const plan: RetentionPlan = { cutoff: new Date(now.getTime() - rules.days * DAY_MS).toISOString() };
  return store.write((db) => startJob(db, 'retention', plan, 0, now.toISOString()));
}

/** The running pass and the last finished one, for the status page. */
export function retentionState(store: Store): { running: { startedAt: string; reports: number; bytes: number } | undefined; last: JobRun | undefined } {
  return store.read((db) => {
    const job = jobOf(db, 'retention');
    return { running: job && { startedAt: job.started_at, reports: job.reports, bytes: job.bytes }, last: lastRunOf(db, 'retention') };
  });
}

export interface RetentionScheduleDeps {
  store: Store;
  settings: { get(): Settings };
  log: Logger;
  /** Wakes the batch runner after a pass was recorded. */
  kick(): void;
  /** Between passes. Default 3 h: the period is counted in days. */
  everyMs?: number;
  /** The first pass after start-up (lets start-up and the first reports go first). */
  firstAfterMs?: number;
}

/** Starts retention passes on a timer; the passes themselves are batches of the runner. */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: RetentionScheduleDeps) {}

  start(): void {
    this.arm(this.deps.firstAfterMs ?? 60_000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      startRetentionPass(this.deps.store, this.deps.settings.get())
        .then((started) => started && this.deps.kick())
        .catch((err) => this.deps.log.error('проход хранения не начат', err))
        .finally(() => this.arm(this.deps.everyMs ?? 3 * 3_600_000));
    }, ms);
    this.timer.unref();
  }
}
