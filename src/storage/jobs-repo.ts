import type { Database } from 'sql.js';
import { all, get, run } from './sql';

/** SQL of the background jobs (clear, retention): their durable progress and last runs. */

export type JobKind = 'clear' | 'retention';

export interface JobRow {
  kind: JobKind;
  plan: string;
  phase: number;
  cursor: number;
  text_cursor: string;
  started_at: string;
  total: number;
  errors: number;
  reports: number;
  bytes: number;
  busy_ms: number;
}

/** The columns of JobRow, named: a statement's result columns stay what they were when it was first prepared (sql.ts). */
const JOB_COLUMNS = 'kind, plan, phase, cursor, text_cursor, started_at, total, errors, reports, bytes, busy_ms';

/** What one batch did: added to the job's counts in the same transaction as its deletions. */
export interface JobProgress {
  phase: number;
  cursor: number;
  textCursor: string;
  errors: number;
  reports: number;
  bytes: number;
  busyMs: number;
}

/** A finished job, as the status and clear pages show it. */
export interface JobRun {
  startedAt: string;
  finishedAt: string;
  errors: number;
  reports: number;
  bytes: number;
  /** Wall time from start to finish (restarts included). */
  elapsedMs: number;
  /** Time spent inside batches. */
  busyMs: number;
  /** The plan it ran (JSON as in the job row): a repeated confirmation is known by it. Absent in runs recorded before. */
  plan?: string;
}

export function runningJobs(db: Database): JobRow[] {
  return all<JobRow>(db, `SELECT ${JOB_COLUMNS} FROM jobs ORDER BY kind`);
}

export function jobOf(db: Database, kind: JobKind): JobRow | undefined {
  return get<JobRow>(db, `SELECT ${JOB_COLUMNS} FROM jobs WHERE kind = ?`, [kind]);
}

/** Starts a job; false when one of this kind is already running. */
export function startJob(db: Database, kind: JobKind, plan: unknown, total: number, at: string): boolean {
  return run(db, 'INSERT OR IGNORE INTO jobs (kind, plan, started_at, total) VALUES (?, ?, ?, ?)', [kind, JSON.stringify(plan), at, total]) === 1;
}

export function advanceJob(db: Database, kind: JobKind, p: JobProgress): void {
  run(
    db,
    `UPDATE jobs SET phase = ?, cursor = ?, text_cursor = ?, errors = errors + ?, reports = reports + ?, bytes = bytes + ?, busy_ms = busy_ms + ?
      WHERE kind = ?`,
    [p.phase, p.cursor, p.textCursor, p.errors, p.reports, p.bytes, Math.round(p.busyMs), kind],
  );
}

/** The job is done: its row goes, its figures stay as the kind's last run. */
export function finishJob(db: Database, kind: JobKind, at: string): JobRun | undefined {
  const job = jobOf(db, kind);
  if (!job) return undefined;
  const result: JobRun = {
    startedAt: job.started_at,
    finishedAt: at,
    errors: job.errors,
    reports: job.reports,
    bytes: job.bytes,
    elapsedMs: Math.max(0, Date.parse(at) - Date.parse(job.started_at)),
    busyMs: job.busy_ms,
    plan: job.plan,
  };
  run(db, 'DELETE FROM jobs WHERE kind = ?', [kind]);
  run(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [`last-run:${kind}`, JSON.stringify(result)]);
  return result;
}

export function lastRunOf(db: Database, kind: JobKind): JobRun | undefined {
  const value = get<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [`last-run:${kind}`])?.value;
  return value === undefined ? undefined : (JSON.parse(value) as JobRun);
}

/** A small durable value (the disk alert's "mailed" flag). */
export function metaValue(db: Database, key: string): string | undefined {
  return get<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [key])?.value;
}

export function setMetaValue(db: Database, key: string, value: string | undefined): void {
  if (value === undefined) run(db, 'DELETE FROM meta WHERE key = ?', [key]);
  else run(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
}
