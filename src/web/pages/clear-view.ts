import type { ClearPlan, ClearProgress } from '../../registry/clear';
import type { JobRun } from '../../storage/jobs-repo';
import { formatBytes } from '../../sizes';
import { formatDateTime } from '../render';
import { formatCount, formatElapsed } from './present';

/** The errors someone works on that one plan names at most (a sentence, not a list of hundreds). */
const WORKED_ON_SHOWN = 20;

/** The clear page's numbers, formatted for people. */
export function presentPlan(plan: ClearPlan) {
  const named = plan.groups.flatMap((g) => g.workedOnSample).slice(0, WORKED_ON_SHOWN);
  return {
    digest: plan.digest,
    empty: plan.groups.length === 0,
    groups: plan.groups.map((g) => ({
      configName: g.configName,
      configVersion: g.configVersion,
      reason: g.reason,
      errors: formatCount(g.errors),
      workedOn: g.workedOn,
      reports: formatCount(g.reports),
      bytes: formatBytes(g.bytes),
    })),
    totals: { errors: formatCount(plan.totals.errors), workedOn: plan.totals.workedOn, workedOnText: formatCount(plan.totals.workedOn), reports: formatCount(plan.totals.reports), bytes: formatBytes(plan.totals.bytes) },
    /** The errors someone works on that the page names (the first of each group, 20 at most), and how many more there are. */
    workedOnNamed: named,
    workedOnMore: plan.totals.workedOn - named.length,
  };
}

/** The running clear (with its share done) and the last finished one. */
export function presentClear(state: { progress: ClearProgress | undefined; last: JobRun | undefined }) {
  const p = state.progress;
  return {
    running: p && {
      startedAt: formatDateTime(p.startedAt),
      errors: formatCount(p.errors),
      reports: formatCount(p.reports),
      totalReports: formatCount(p.totalReports),
      bytes: formatBytes(p.bytes),
      percent: p.totalReports > 0 ? Math.min(100, Math.floor((p.reports / p.totalReports) * 100)) : 0,
    },
    last: state.last && presentRun(state.last),
  };
}

/** A finished background job (clear or retention) for a page. */
export function presentRun(r: JobRun) {
  return {
    finishedAt: formatDateTime(r.finishedAt),
    errors: formatCount(r.errors),
    reports: formatCount(r.reports),
    bytes: formatBytes(r.bytes),
    elapsed: formatElapsed(r.elapsedMs),
    busy: formatElapsed(r.busyMs),
  };
}
