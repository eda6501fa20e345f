import { createHash } from 'node:crypto';
import type { Database } from 'sql.js';
import type { ReadReport } from '../intake/read-report';
import type { Logger } from '../log';
import {
  countDay,
  countReport,
  enqueueNotice,
  findComputerReport,
  findErrorOfKey,
  foldIntoReport,
  insertError,
  insertReport,
  isUidKnown,
  rememberUid,
} from '../storage/registry-repo';
import { StorageError } from '../storage/engine';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';
import { RefusedError } from '../errors';
import { checkAcceptance } from './acceptance';
import { noiseOf, type Noise } from './noise-filter';
import { errorKeyOf, type ErrorKey } from './error-key';
import type { RefusalLog } from './refusals';
import { STORED } from './limits';
import { addsComputerToday, dayNumber, dayOf } from './days';
import { countInProblem } from './problem-intake';
import { problemKeyOf } from './problem-key';
import { addUnasked } from '../storage/getinfo-repo';
import { findProblemByKey, takesNoMoreReports } from '../storage/problems-repo';
import { factsOf, isGroupable, type ReportFacts } from './report-facts';
import { categoriesOf } from './error-categories';
import { addErrorCategories } from '../storage/categories-repo';
import type { SettingsStore } from './settings-store';
import type { DeferredIndexes } from './deferred-indexes';

export interface RegisterDeps {
  store: Store;
  zips: ZipStore;
  settings: SettingsStore;
  log: Logger;
  /** Told after a new error's notice is durably queued. */
  onNewError?: () => void;
  /** Refusals the settings page tells of (an empty version, say). */
  refusals?: RefusalLog;
  /** Told of each new report row: its search words follow in a batch. */
  indexes?: Pick<DeferredIndexes, 'reportStored'>;
}

/** A report intake has read (read-report.ts), and where and when it came from. */
export interface Incoming extends ReadReport {
  ip: string | undefined;
  receivedAt: Date;
}

/** `regression`: the report reopened its problem (a notice is queued). */
export type Outcome =
  | { kind: 'new-error'; errorId: number; reportId: number; regression?: true }
  | { kind: 'new-report'; errorId: number; reportId: number; regression?: true }
  | { kind: 'folded'; errorId: number; reportId: number; regression?: true }
  | { kind: 'duplicate-id' }
  /** Its problem is "не исправлять, больше не принимать": counted as an occurrence, zip not stored. */
  | { kind: 'not-stored'; problemId: number };

/** What an anonymous client is told when a noise filter refuses its report (no echo of its text). */
const NOISE_ANSWER: Record<Noise, string> = {
  category: 'Ошибки этой категории не принимаются этим сервисом',
  'not-own-code': 'Принимаются только ошибки в коде конфигурации: у отчёта нет стека конфигурации',
};

type Decision = Outcome | { kind: 'needs-zip' };

/**
 * pushReport as a story: check the rules for the report intake read, find its unique error, then
 * either fold it into the same computer's earlier report or store it with its zip. The
 * zip is durable before its row; resolves only when the row is durable too.
 */
export async function registerReport(deps: RegisterDeps, input: Incoming): Promise<Outcome> {
  const { report } = input;

  const acceptance = checkAcceptance(deps.settings.get(), report.configInfo.name, report.configInfo.version);
  if (!acceptance.accepted) {
    if (acceptance.by === 'version') deps.refusals?.refusedVersion(report.configInfo.name, report.configInfo.version, input.receivedAt);
    deps.refusals?.pushRefused(acceptance.by);
    throw new RefusedError(acceptance.answer);
  }
  const settings = deps.settings.get();
  const app = report.errorInfo?.applicationErrorInfo;
  const noise = noiseOf(
    settings.configurations.find((c) => c.name === report.configInfo.name),
    { categories: app?.errors.flatMap((e) => e.categories) ?? [], stackHash: app?.stackHash },
  );
  if (noise) {
    deps.refusals?.pushRefused(noise);
    throw new RefusedError(NOISE_ANSWER[noise]);
  }

  const key = errorKeyOf(report);
  const facts = factsOf(report, input.receivedAt, input.entries);
  const plan: Plan = {
    key,
    facts,
    delivery: deliveryOf(facts, input.zip),
    groupable: isGroupable(facts),
    ip: input.ip,
    receivedAt: input.receivedAt.toISOString(),
    zipSize: input.zip.length,
    problemKey: once(() => problemKeyOf(key)),
    indexes: deps.indexes,
    categories: categoriesOf(report),
  };

  // A cheap look first, so a repeat from the same computer writes no zip at all.
  const preview = deps.store.read((db) => decide(db, plan, undefined, true));
  if (preview.kind === 'duplicate-id') return preview;
  if (preview.kind === 'not-stored') {
    const counted = await deps.store.write((db) => decide(db, plan, undefined, false));
    if (counted.kind === 'not-stored') deps.refusals?.pushRefused('known');
    if (counted.kind !== 'needs-zip') return counted;
    // The problem was reopened or its flag cleared between the look and the write: store it.
  }

  let zipName = preview.kind === 'needs-zip' ? await deps.zips.put(input.zip) : undefined;
  let decision: Decision;
  try {
    decision = await deps.store.write((db) => decide(db, plan, zipName, false));
    if (decision.kind === 'needs-zip') {
      // The earlier report vanished between the look and the write (cleared): store ours.
      zipName = await deps.zips.put(input.zip);
      decision = await deps.store.write((db) => decide(db, plan, zipName, false));
    }
  } catch (err) {
    // A rule or SQL error rolled the transaction back: the zip belongs to nothing. A storage
    // failure may have left the row in the journal: start-up decides, by the row, whether
    // the zip in incoming/ is kept or removed.
    if (zipName && !(err instanceof StorageError)) await deps.zips.discard(zipName).catch(() => {});
    throw err;
  }
  if (decision.kind === 'needs-zip') throw new Error('report could not be stored'); // unreachable: a zip was given
  if (zipName) {
    const used = decision.kind === 'new-error' || decision.kind === 'new-report';
    const done = used ? deps.zips.settle(zipName) : deps.zips.discard(zipName);
    await done.catch((err) => deps.log.warn(`файл отчёта ${zipName}: ${(err as Error).message} (будет исправлено при запуске)`));
  }
  if (decision.kind === 'new-error' || ('regression' in decision && decision.regression)) deps.onNewError?.();
  return decision;
}

interface Plan {
  key: ErrorKey;
  facts: ReportFacts;
  /** What makes a second delivery of the same report count once (deliveryOf). */
  delivery: string;
  groupable: boolean;
  ip: string | undefined;
  receivedAt: string;
  zipSize: number;
  /** The problem rule's key (problem-key.ts), computed once and only when a new error needs it. */
  problemKey: () => string;
  indexes: RegisterDeps['indexes'];
  /** Stored with a new error, for the list's category filter. */
  categories: string[];
}

/**
 * The same report delivered twice counts once. A report's `id` says which report it is;
 * without one (a real 8.3.18 client sends none) only a byte-identical zip is known to be the
 * same delivery: any two occurrences differ at least in report.json's `time`, and two
 * reports that differ only in an attached file differ in bytes too. Nothing is invented
 * that could merge different reports. The prefix keeps the two kinds apart.
 */
function deliveryOf(facts: ReportFacts, zip: Buffer): string {
  return facts.uid ?? `zip-sha256:${createHash('sha256').update(zip).digest('hex')}`;
}

/**
 * The rules, applied inside one transaction (or, with `dryRun`, only looked at): the same
 * report id counts once; a groupable repeat folds into the computer's earlier report;
 * anything else becomes a report of its own, and a new key a new error with a notice.
 */
function decide(db: Database, p: Plan, zipName: string | undefined, dryRun: boolean): Decision {
  const { key, facts } = p;
  if (isUidKnown(db, p.delivery)) return { kind: 'duplicate-id' };
  const found = findErrorOfKey(db, key.hash);
  let errorId = found?.id;
  // The problem, found once: by the error, or for a new error by the problem rule's key.
  const linked = found?.problem_id ?? undefined;
  const known = linked ?? (errorId === undefined ? findProblemByKey(db, p.problemKey()) : undefined);
  const noMore = linked !== undefined ? found!.no_more === 1 : known !== undefined && takesNoMoreReports(db, known);
  if (known !== undefined && noMore) {
    // "не исправлять" with "больше не принимать": counted, not stored.
    if (!dryRun) addUnasked(db, known, dayOf(p.receivedAt), key.configVersion, 1);
    return { kind: 'not-stored', problemId: known };
  }
  // What this error has from this computer: its groupable report, or that it came from there.
  const mine = errorId !== undefined && facts.clientId !== undefined ? findComputerReport(db, errorId, facts.clientId) : undefined;
  const target = p.groupable ? mine?.target : undefined;
  if (dryRun) return target ? { kind: 'folded', errorId: errorId!, reportId: target.id } : { kind: 'needs-zip' };

  const day = dayOf(p.receivedAt);
  const today = dayNumber(p.receivedAt);
  if (target && errorId !== undefined) {
    foldIntoReport(db, target, facts.time, facts.userDescription, today, STORED.descriptions);
    countReport(db, errorId, p.receivedAt, false);
    countDay(db, errorId, day, addsComputerToday(today, false, target.last_day));
    const problem = countInProblem(db, problemShare(p, errorId, { known, linked: linked !== undefined }, false, false));
    rememberUid(db, p.delivery, target.id);
    return { kind: 'folded', errorId, reportId: target.id, ...regressed(problem) };
  }
  if (!zipName) return { kind: 'needs-zip' };

  const isNewError = errorId === undefined;
  if (errorId === undefined) {
    errorId = insertError(db, key, p.receivedAt);
    addErrorCategories(db, errorId, p.categories);
    enqueueNotice(db, errorId, key.configName, p.receivedAt);
  }
  const newComputer = facts.clientId !== undefined && !mine?.seen;
  const reportId = insertReport(db, {
    errorId,
    facts,
    groupable: p.groupable,
    day: today,
    ip: p.ip,
    receivedAt: p.receivedAt,
    zipName,
    zipSize: p.zipSize,
  });
  countReport(db, errorId, p.receivedAt, newComputer);
  countDay(db, errorId, day, addsComputerToday(today, newComputer, undefined));
  const problem = countInProblem(db, problemShare(p, errorId, { known, linked: linked !== undefined }, true, newComputer));
  p.indexes?.reportStored();
  rememberUid(db, p.delivery, reportId);
  return { kind: isNewError ? 'new-error' : 'new-report', errorId, reportId, ...regressed(problem) };
}

function regressed(p: { reopened: boolean }): { regression?: true } {
  return p.reopened ? { regression: true } : {};
}

/** What the problem needs to know of this report (registry/problem-intake.ts). */
function problemShare(p: Plan, errorId: number, problem: { known: number | undefined; linked: boolean }, stored: boolean, newComputer: boolean) {
  return {
    errorId,
    problemId: problem.known,
    linked: problem.linked,
    problemKey: p.problemKey,
    key: p.key,
    clientId: p.facts.clientId,
    userName: p.facts.userName,
    stored,
    newComputer,
    time: p.receivedAt,
    flags: { screenshot: p.facts.hasScreenshot, files: p.facts.hasFiles, crashed: p.facts.crashed },
  };
}

/** A function that computes its value on the first call only. */
function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) (value = fn()), (done = true);
    return value;
  };
}
