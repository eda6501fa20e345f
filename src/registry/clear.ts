import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { nextErrorOf, oldestReportsOf, removeErrorRow, removeReports, reportCountOf, reportTotalsOf, workedOnErrorsOf } from '../storage/clear-repo';
import { jobOf, lastRunOf, startJob, type JobRow, type JobRun } from '../storage/jobs-repo';
import { errorFacets } from '../storage/pages-repo';
import { problemsOfErrors, recountProblem } from '../storage/problems-repo';
import type { Store } from '../storage/store';
import { checkAcceptance } from './acceptance';
import type { BatchOutcome, JobDefinition } from './background-jobs';
import type { Settings } from './settings-schema';
import { sweepReportUids } from './uid-sweep';

/** One configuration version the current rules no longer accept, with what it holds. */
export interface ClearGroup {
  configName: string;
  configVersion: string;
  reason: string;
  errors: number;
  /** Of those, errors someone is working on (the page warns that they go too). */
  workedOn: number;
  /** The first of them by number, with their problem (the page names them). */
  workedOnSample: { id: number; problemId: number }[];
  reports: number;
  bytes: number;
}

export interface ClearPlan {
  groups: ClearGroup[];
  totals: { errors: number; workedOn: number; reports: number; bytes: number };
  /** Names the set of groups: a confirmation given for one plan never runs another. */
  digest: string;
}

/** What a confirmed clear records in its job row: the groups, fixed at confirmation. */
interface ClearJobPlan {
  groups: [configName: string, configVersion: string][];
}

/** A clear in progress, as its page shows it. */
export interface ClearProgress {
  startedAt: string;
  errors: number;
  reports: number;
  bytes: number;
  totalReports: number;
}

/**
 * started: recorded now; already: this very plan was confirmed before (a resubmitted form, F5,
 * a second click) and is running or done; running: another clear is running; changed: the
 * rules or data no longer match what was shown.
 */
export type ClearStart = 'started' | 'already' | 'changed' | 'running';

/** How many of the errors someone works on the plan names, per group. */
const WORKED_ON_NAMED = 10;

/** What clearing would remove under the current rules (the page shows it and asks). */
export function planClear(store: Store, settings: Settings): ClearPlan {
  return store.read((db) => {
    const unaccepted = unacceptedGroups(db, settings);
    const groups = unaccepted.map((g) => {
      const worked = workedOnErrorsOf(db, g.configName, g.configVersion, WORKED_ON_NAMED);
      return { ...g, workedOn: worked.count, workedOnSample: worked.first, ...reportTotalsOf(db, g.configName, g.configVersion) };
    });
    const totals = groups.reduce(
      (t, g) => ({ errors: t.errors + g.errors, workedOn: t.workedOn + g.workedOn, reports: t.reports + g.reports, bytes: t.bytes + g.bytes }),
      { errors: 0, workedOn: 0, reports: 0, bytes: 0 },
    );
    return { groups, totals, digest: digestOf(unaccepted) };
  });
}

/**
 * Records a confirmed clear — only if the rules still leave out exactly what the person
 * confirmed (`digest`) and no clear is running. The removal itself runs in the background
 * (clearJob); the caller wakes the runner.
 */
export async function startClear(store: Store, settings: { get(): Settings }, digest: string): Promise<ClearStart> {
  // The reports to go, for the progress: counted before the transaction, a group at a time
  // with the loop free between (all at once held it 120–240 ms at 1M reports). The groups
  // are ones the rules refuse, so no report joins them meanwhile; if the rules or the groups
  // changed, the digest below — under the rules as they are then — says so.
  const groups = store.read((db) => (jobOf(db, 'clear') ? [] : unacceptedGroups(db, settings.get()))); // a running clear answers below
  let total = 0;
  for (const g of groups) {
    await setImmediate();
    total += store.read((db) => reportCountOf(db, g.configName, g.configVersion));
  }
  return store.write((db) => {
    const job = jobOf(db, 'clear');
    if (job) return digestOfJobPlan(job.plan) === digest ? 'already' : 'running';
    const unaccepted = unacceptedGroups(db, settings.get());
    if (digestOf(unaccepted) !== digest || unaccepted.length === 0) {
      const last = lastRunOf(db, 'clear');
      return last?.plan !== undefined && digestOfJobPlan(last.plan) === digest ? 'already' : 'changed';
    }
    const plan: ClearJobPlan = { groups: unaccepted.map((g) => [g.configName, g.configVersion]) };
    startJob(db, 'clear', plan, total, new Date().toISOString());
    return 'started';
  });
}

/** The running clear and the last finished one. */
export function clearState(store: Store): { progress: ClearProgress | undefined; last: JobRun | undefined } {
  return store.read((db) => {
    const job = jobOf(db, 'clear');
    const progress = job && { startedAt: job.started_at, errors: job.errors, reports: job.reports, bytes: job.bytes, totalReports: job.total };
    return { progress, last: lastRunOf(db, 'clear') };
  });
}

// Small: one step (its index and search-index deletes) runs past the batch deadline.
const REPORTS_PER_STEP = 32;

/**
 * The clear job: group by group, error by error, the oldest reports first; an error goes
 * when its last report has gone. A group the rules accept again is left alone (the rules
 * are read in every batch). The last phase forgets the ids of repeats of removed reports.
 */
export function clearJob(settings: { get(): Settings }, log: Logger): JobDefinition {
  return {
    kind: 'clear',
    batch(db, job, deadline) {
      const plan = JSON.parse(job.plan) as ClearJobPlan;
      const rules = settings.get();
      const out: BatchOutcome = { progress: progressOf(job), done: false };
      const p = out.progress;
      while (performance.now() < deadline) {
        const group = plan.groups[p.phase];
        if (!group) {
          const swept = sweepReportUids(db, p.textCursor, deadline);
          p.textCursor = swept.afterUid;
          out.done = swept.done;
          return out;
        }
        const errorId = checkAcceptance(rules, group[0], group[1]).accepted ? undefined : nextErrorOf(db, group[0], group[1], p.cursor);
        if (errorId === undefined) {
          p.phase++;
          p.cursor = 0;
          continue;
        }
        const reports = oldestReportsOf(db, errorId, REPORTS_PER_STEP);
        removeReports(db, reports);
        p.reports += reports.length;
        p.bytes += reports.reduce((n, r) => n + r.zip_size, 0);
        if (reports.length < REPORTS_PER_STEP) {
          const problem = problemsOfErrors(db, [errorId])[0];
          removeErrorRow(db, errorId);
          // Its problem keeps its other versions (counted again without this one) or goes.
          if (problem !== undefined) recountProblem(db, problem);
          p.errors++;
          p.cursor = errorId;
        }
      }
      return out;
    },
    finished(run) {
      log.info(`очистка: удалено ошибок ${run.errors}, отчётов ${run.reports} за ${Math.round(run.elapsedMs / 1000)} с`);
    },
  };
}

/** A batch's counts start at zero; its phase and cursors where the job stands. */
export function progressOf(job: JobRow): BatchOutcome['progress'] {
  return { phase: job.phase, cursor: job.cursor, textCursor: job.text_cursor, errors: 0, reports: 0, bytes: 0 };
}

function unacceptedGroups(db: Database, settings: Settings): Omit<ClearGroup, 'reports' | 'bytes' | 'workedOn' | 'workedOnSample'>[] {
  const out: Omit<ClearGroup, 'reports' | 'bytes' | 'workedOn' | 'workedOnSample'>[] = [];
  for (const f of errorFacets(db)) {
    const verdict = checkAcceptance(settings, f.config_name, f.config_version);
    if (!verdict.accepted) out.push({ configName: f.config_name, configVersion: f.config_version, reason: verdict.reason, errors: f.n });
  }
  return out;
}

function digestOfJobPlan(plan: string): string {
  const groups = (JSON.parse(plan) as ClearJobPlan).groups.map(([configName, configVersion]) => ({ configName, configVersion }));
  return digestOf(groups);
}

function digestOf(groups: { configName: string; configVersion: string }[]): string {
  const canonical = JSON.stringify(groups.map((g) => [g.configName, g.configVersion]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
