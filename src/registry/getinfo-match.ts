import type { Database } from 'sql.js';
import { problemsOfStack, versionFigures, type StackProblemRow } from '../storage/getinfo-repo';
import { clip, STORED } from './limits';
import { inWorkThresholds, type ConfigurationRule } from './settings-schema';
import { compareVersions } from './version';

/**
 * The rule of getInfo for known problems (README «getInfo: ответы по состоянию проблемы»):
 *
 * 1. A getInfo is matched by its configuration name and `appStackHash` against the stack
 *    hashes of that configuration's unique errors, over all its versions (a stack that did
 *    not change between versions is the same place in the code). An empty or absent hash
 *    never matches: a real 8.3.18 compile error has none, and "" would match every
 *    undetailed report of the configuration.
 * 2. No problem → ask for the report. Problems in different states behind one hash
 *    (status, fixed-in version, "больше не принимать") → ambiguous → ask. Several in the
 *    same state answer as the first (lowest number).
 * 3. By the problem's state and the client's version:
 *    - не исправлять + "больше не принимать" → no ("known");
 *    - исправлена в версии X, the client's version older than X → no ("fixed");
 *    - в работе, and in the client's version the problem has ≥ R reports from ≥ C
 *      computers (per configuration, defaults 10 and 3) → no ("in-work");
 *    - anything else (новая, регрессия, fixed and the client is not older, в работе below
 *      the threshold, не исправлять still accepted) → ask, as for an unknown error.
 * `clientStackHash` and `ErrorCategories` are not used: pult does not store the former, and
 * the categories (kept per error for the list's filter) do not narrow the match — the noise
 * filter is what compares them.
 */

export type Refusal = 'known' | 'fixed' | 'in-work';
export type AskWhy = 'no-hash' | 'no-match' | 'ambiguous' | 'state';

export type Verdict = { ask: true; why: AskWhy; problemId?: number } | { ask: false; why: Refusal; problem: StackProblemRow };

export interface GetInfoFacts {
  configName: string;
  configVersion?: string;
  appStackHash?: string;
}

export function matchGetInfo(db: Database, rule: ConfigurationRule | undefined, q: GetInfoFacts): Verdict {
  const hash = clip(q.appStackHash?.trim() ?? '', STORED.fieldChars);
  if (hash === '') return { ask: true, why: 'no-hash' };
  const configName = clip(q.configName, STORED.fieldChars);
  const found = problemsOfStack(db, configName, hash);
  const first = found[0];
  if (!first) return { ask: true, why: 'no-match' };
  if (found.some((p) => !sameAnswerState(p, first))) return { ask: true, why: 'ambiguous' };
  const version = q.configVersion === undefined ? undefined : clip(q.configVersion, STORED.fieldChars);
  const why = refusalOf(first, version, rule, () => versionFigures(db, first.id, configName, version ?? ''));
  return why ? { ask: false, why, problem: first } : { ask: true, why: 'state', problemId: first.id };
}

/** Which "no" a problem in this state gives a client of `version`, if any. */
function refusalOf(
  p: Pick<StackProblemRow, 'status' | 'fixed_in' | 'no_more_reports'>,
  version: string | undefined,
  rule: ConfigurationRule | undefined,
  figures: () => { reports: number; computers: number },
): Refusal | undefined {
  if (p.status === 'wontfix' && p.no_more_reports === 1) return 'known';
  if (p.status === 'fixed' && p.fixed_in && version && compareVersions(version, p.fixed_in) < 0) return 'fixed';
  if (p.status === 'in-work' && version) {
    const t = inWorkThresholds(rule);
    const f = figures();
    if (f.reports >= t.reports && f.computers >= t.computers) return 'in-work';
  }
  return undefined;
}

function sameAnswerState(a: StackProblemRow, b: StackProblemRow): boolean {
  return a.status === b.status && a.fixed_in === b.fixed_in && a.no_more_reports === b.no_more_reports;
}

/**
 * What getInfo answers for this problem now, in words, for its page. `versions` are its
 * versions newest first with their figures; `hasHash`: some unique error has a stack hash.
 */
export function describeAnswer(
  p: Pick<StackProblemRow, 'status' | 'fixed_in' | 'no_more_reports'>,
  rule: ConfigurationRule | undefined,
  hasHash: boolean,
): { asks: 'yes' | 'no' | 'some'; text: string } {
  if (!rule) return { asks: 'no', text: 'Конфигурация не принимается этим сервисом: getInfo отвечает «не отправлять» всем.' };
  if (!hasHash) return { asks: 'yes', text: 'У ошибок этой проблемы нет хеша стека: getInfo не может её узнать и просит отчёт, как для новой ошибки.' };
  const t = inWorkThresholds(rule);
  switch (p.status) {
    case 'wontfix':
      return p.no_more_reports === 1
        ? { asks: 'no', text: 'Не исправлять, отчёты больше не принимаются: getInfo отвечает «не отправлять» («ошибка известна»); присланный всё же отчёт учитывается, но не хранится.' }
        : { asks: 'yes', text: 'Не исправлять, но отчёты принимаются: getInfo просит отчёт. Отметьте «больше не принимать», чтобы не просить.' };
    case 'fixed':
      return { asks: 'some', text: `Исправлена в версии ${p.fixed_in ?? '?'}: клиентам более старых версий getInfo отвечает «не отправлять, обновите программу»; версия ${p.fixed_in ?? '?'} и новее — просит отчёт (он означает регрессию).` };
    case 'in-work':
      return { asks: 'some', text: `В работе: в версии, где у проблемы уже не меньше ${t.reports} отчётов с ${t.computers} компьютеров, getInfo отвечает «не отправлять, уже взята в работу»; в остальных версиях просит отчёт.` };
    default:
      return { asks: 'yes', text: 'Новая или регрессия: getInfo просит отчёт.' };
  }
}
