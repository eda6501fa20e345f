import { commentOf, describeEvent, statusText } from '../../registry/problem-events';
import { stringList } from '../../json-list';
import { compareVersions } from '../../registry/version';
import type { EventRow, ProblemErrorRow, ProblemRow } from '../../storage/problems-repo';
import { clip } from '../../registry/limits';
import { breakable, SUMMARY } from './present';
import type { Segment } from './highlight';

/** Problems → what the templates show and what the JSON contract says (README «Проблемы»). */

export interface ProblemView {
  id: number;
  configName: string;
  status: string;
  statusText: string;
  owner: { login: string; name: string } | null;
  fixedIn: string | null;
  reason: string | null;
  noMoreReports: boolean;
  rev: number;
  reports: number;
  computers: number;
  users: number;
  /** Stored reports with a screenshot, with attached files, with a crash (the list's filters). */
  screenshots: number;
  files: number;
  crashes: number;
  firstSeen: string;
  lastSeen: string;
  errors: { id: number; version: string; extensions: number; reports: number }[];
  /** Newest first, as 1C versions compare. */
  versions: string[];
  extensionSets: number;
  /** The texts of its newest unique error, for the list. */
  textParts: string[][];
  detailed: boolean;
  /** With a search: textParts split into hit / no-hit segments (highlight.ts). */
  marked?: Segment[][][];
}

export function presentProblem(p: ProblemRow, errors: ProblemErrorRow[]): ProblemView {
  const versions = [...new Set(errors.map((e) => e.config_version))].sort((a, b) => compareVersions(b, a));
  const newest = errors[errors.length - 1];
  return {
    id: p.id,
    configName: p.config_name,
    status: p.status,
    statusText: statusText(p.status, p.fixed_in),
    owner: p.owner_login === null ? null : { login: p.owner_login, name: p.owner_name ?? p.owner_login },
    fixedIn: p.fixed_in,
    reason: p.reason,
    noMoreReports: p.no_more_reports === 1,
    rev: p.rev,
    reports: p.reports_total,
    computers: p.computers,
    users: p.users,
    screenshots: p.screenshots,
    files: p.files,
    crashes: p.crashes,
    firstSeen: p.first_seen,
    lastSeen: p.last_seen,
    errors: errors.map((e) => ({ id: e.id, version: e.config_version, extensions: jsonLength(e.extensions), reports: e.reports_total })),
    versions,
    extensionSets: new Set(errors.map((e) => e.extensions)).size,
    textParts: newest ? summaryTexts(stringList(newest.texts)).map(breakable) : [],
    detailed: newest ? newest.detailed === 1 : true,
  };
}

/** One item of `s/errorsList` JSON, exactly the contract's keys. */
export function problemJson(v: ProblemView) {
  return {
    id: v.id,
    errors: v.errors.map((e) => e.id),
    versions: v.versions,
    status: v.status,
    owner: v.owner?.login ?? null,
    fixedIn: v.fixedIn,
    reports: v.reports,
    computers: v.computers,
    users: v.users,
    screenshots: v.screenshots,
    files: v.files,
    crashes: v.crashes,
    firstSeen: v.firstSeen,
    lastSeen: v.lastSeen,
    rev: v.rev,
  };
}

/**
 * `s/errorsList` JSON: issue 10's `{items, next}` plus what was asked (`query`: q, sort and
 * the filters as in the URL) and, for a search, `found` (unique errors) and `truncated`.
 */
export function problemsListJson(list: { problems: ProblemView[]; olderHref?: string; query: Record<string, string | undefined>; sort: string; found: number | undefined; truncated: boolean }) {
  const query = { ...list.query, sort: list.sort };
  return { items: list.problems.map(problemJson), next: list.olderHref ?? null, query, found: list.found ?? null, truncated: list.truncated };
}

/** The state part of `s/reports/N` JSON and of the answer to a state change. */
export function stateJson(v: ProblemView, history: HistoryItem[]) {
  return { status: v.status, statusText: v.statusText, owner: v.owner, fixedIn: v.fixedIn, reason: v.reason, noMoreReports: v.noMoreReports, rev: v.rev, history };
}

export interface HistoryItem {
  at: string;
  who: string;
  login: string | null;
  kind: string;
  text: string;
  comment: string;
}

export function presentEvent(e: EventRow): HistoryItem {
  return { at: e.at, who: e.name ?? 'pult', login: e.login, kind: e.kind, text: describeEvent(e), comment: commentOf(e) };
}

/** As the unique-error list cuts texts (present.ts SUMMARY): a crafted report cannot swell the page. */
function summaryTexts(texts: string[]): string[] {
  const kept = texts.length > SUMMARY.texts ? [...texts.slice(0, SUMMARY.texts - 1), texts[texts.length - 1]!] : texts;
  return kept.map((t) => clip(t, SUMMARY.textChars));
}

function jsonLength(text: string): number {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.length : 0;
  } catch {
    return 0;
  }
}


/** The owner choices: the KServer users, the current owner even if no longer listed, and yourself when the monitor lists nobody. */
export function ownerOptions(people: { login: string; name: string }[], owner: ProblemView['owner'], me: { login: string; name: string } | undefined) {
  const list = [...people];
  if (me && !list.some((p) => p.login === me.login)) list.push(me);
  if (owner && !list.some((p) => p.login === owner.login)) list.push(owner);
  return list.map((p) => ({ value: p.login, label: p.name, selected: owner?.login === p.login }));
}
