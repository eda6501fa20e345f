import type { ClearPlan, ClearResult } from '../../registry/clear';
import { formatBytes } from '../../sizes';
import { formatCount } from './present';

/** The clear page's numbers, formatted for people. */
export function presentPlan(plan: ClearPlan) {
  return {
    digest: plan.digest,
    empty: plan.groups.length === 0,
    groups: plan.groups.map((g) => ({
      configName: g.configName,
      configVersion: g.configVersion,
      reason: g.reason,
      errors: formatCount(g.errors),
      reports: formatCount(g.reports),
      bytes: formatBytes(g.bytes),
    })),
    totals: { errors: formatCount(plan.totals.errors), reports: formatCount(plan.totals.reports), bytes: formatBytes(plan.totals.bytes) },
  };
}

export function presentResult(r: ClearResult) {
  return {
    errors: formatCount(r.errors),
    reports: formatCount(r.reports),
    bytes: formatBytes(r.bytes),
    filesRemoved: formatCount(r.filesRemoved),
    filesFailed: r.filesFailed > 0 ? formatCount(r.filesFailed) : undefined,
  };
}
