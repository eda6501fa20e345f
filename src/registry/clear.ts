import { createHash } from 'node:crypto';
import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { errorIdsOf, forgetPendingDeletes, pendingDeletes, removeErrors, reportTotalsOf } from '../storage/clear-repo';
import { errorFacets } from '../storage/pages-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';
import { checkAcceptance } from './acceptance';
import type { Settings } from './settings-schema';

/** One configuration version the current rules no longer accept, with what it holds. */
export interface ClearGroup {
  configName: string;
  configVersion: string;
  reason: string;
  errors: number;
  reports: number;
  bytes: number;
}

export interface ClearPlan {
  groups: ClearGroup[];
  totals: { errors: number; reports: number; bytes: number };
  /** Names the set of groups: a confirmation given for one plan never runs another. */
  digest: string;
}

export interface ClearResult {
  errors: number;
  reports: number;
  bytes: number;
  filesRemoved: number;
  filesFailed: number;
}

export type ClearOutcome = { kind: 'done'; result: ClearResult } | { kind: 'changed'; plan: ClearPlan };

export interface ClearDeps {
  store: Store;
  zips: ZipStore;
  settings: { get(): Settings };
  log: Logger;
}

/** What clearing would remove under the current rules (the page shows it and asks). */
export function planClear(store: Store, settings: Settings): ClearPlan {
  return store.read((db) => {
    const unaccepted = unacceptedGroups(db, settings);
    const groups = unaccepted.map((g) => ({ ...g, ...reportTotalsOf(db, g.configName, g.configVersion) }));
    const totals = groups.reduce((t, g) => ({ errors: t.errors + g.errors, reports: t.reports + g.reports, bytes: t.bytes + g.bytes }), {
      errors: 0,
      reports: 0,
      bytes: 0,
    });
    return { groups, totals, digest: digestOf(unaccepted) };
  });
}

/**
 * Removes the errors, reports and zips the current rules no longer accept — only if they
 * are still what the person confirmed (`digest`). The rows go in ONE write that also
 * records every zip in pending_deletes; the files go afterwards, and start-up finishes
 * them if the process dies in between. Anything the rules accept is never touched: the
 * rules are read again inside the write.
 */
export async function clearUnaccepted(deps: ClearDeps, digest: string): Promise<ClearOutcome> {
  const settings = deps.settings.get();
  const removed = await deps.store.write((db) => {
    const unaccepted = unacceptedGroups(db, settings);
    if (digestOf(unaccepted) !== digest) return undefined;
    const ids = unaccepted.flatMap((g) => errorIdsOf(db, g.configName, g.configVersion));
    return removeErrors(db, ids);
  });
  if (!removed) return { kind: 'changed', plan: planClear(deps.store, settings) };
  const files = await finishPendingDeletes(deps.store, deps.zips, deps.log);
  deps.log.info(`очистка: удалено ошибок ${removed.errors}, отчётов ${removed.reports}, файлов ${files.removed}`);
  return { kind: 'done', result: { ...removed, filesRemoved: files.removed, filesFailed: files.failed } };
}

const BATCH = 500;
const PARALLEL = 8;

/**
 * Deletes the zips listed in pending_deletes, then forgets those rows. Safe to repeat
 * (a missing file counts as removed); a file that cannot be removed stays listed for the
 * next start-up. Called after clearing and at start-up.
 */
export async function finishPendingDeletes(store: Store, zips: ZipStore, log?: Logger): Promise<{ removed: number; failed: number }> {
  let removed = 0;
  let failed = 0;
  let after = '';
  for (;;) {
    const names = store.read((db) => pendingDeletes(db, after, BATCH));
    if (names.length === 0) break;
    after = names[names.length - 1]!;
    const gone: string[] = [];
    for (let i = 0; i < names.length; i += PARALLEL) {
      await Promise.all(
        names.slice(i, i + PARALLEL).map(async (name) => {
          try {
            await zips.remove(name);
            gone.push(name);
          } catch (err) {
            failed++;
            log?.warn(`файл отчёта ${name} не удалён: ${(err as Error).message} (повторим при запуске)`);
          }
        }),
      );
    }
    await store.write((db) => forgetPendingDeletes(db, gone));
    removed += gone.length;
  }
  return { removed, failed };
}

function unacceptedGroups(db: Database, settings: Settings): Omit<ClearGroup, 'reports' | 'bytes'>[] {
  const out: Omit<ClearGroup, 'reports' | 'bytes'>[] = [];
  for (const f of errorFacets(db)) {
    const verdict = checkAcceptance(settings, f.config_name, f.config_version);
    if (!verdict.accepted) out.push({ configName: f.config_name, configVersion: f.config_version, reason: verdict.reason, errors: f.n });
  }
  return out;
}

function digestOf(groups: { configName: string; configVersion: string }[]): string {
  const canonical = JSON.stringify(groups.map((g) => [g.configName, g.configVersion]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
