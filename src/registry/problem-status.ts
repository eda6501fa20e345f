import { ValidationError } from '../errors';
import type { ProblemState } from '../storage/problems-repo';
import { VERSION_PATTERN } from './version';

/** The statuses of a problem, as the contract names them (`status` form field, JSON). */
export const STATUSES = ['new', 'in-work', 'fixed', 'wontfix', 'regression'] as const;
export type Status = (typeof STATUSES)[number];

export interface Person {
  login: string;
  name: string;
  email?: string;
}

/** What a request asks for; an absent field keeps what is there. */
export interface StateRequest {
  status?: Status;
  /** A KServer login; "" for nobody. */
  owner?: string;
  fixedIn?: string;
  reason?: string;
  /** "больше не принимать", for wontfix only; absent keeps what is there. */
  noMoreReports?: boolean;
}

/**
 * The state rules, applied to the current state:
 * - новая: nobody's, nothing fixed, no reason;
 * - в работе: always someone's — the owner asked for, else the current one, else whoever
 *   takes it ("taking it puts yourself");
 * - исправлена в версии X: X is required (a 1C version: numbers with dots);
 * - не исправлять: a reason is required; "больше не принимать" may be set (any other status clears it);
 * - регрессия: keeps the version it was fixed in, to show what did not hold.
 * The owner stays with every status but "новая"; asking for "" gives it back to nobody.
 */
export function nextState(cur: ProblemState, req: StateRequest, me: Person, owner: Person | null | undefined): ProblemState {
  const status = req.status ?? (cur.status as Status);
  let ownerLogin = owner === undefined ? cur.owner_login : (owner?.login ?? null);
  let ownerName = owner === undefined ? cur.owner_name : (owner?.name ?? null);
  if (status === 'new') ownerLogin = ownerName = null;
  if (status === 'in-work' && ownerLogin === null) {
    ownerLogin = me.login;
    ownerName = me.name;
  }
  let fixedIn: string | null = null;
  if (status === 'fixed') {
    fixedIn = req.fixedIn?.trim() || (cur.status === 'fixed' ? cur.fixed_in : null);
    if (!fixedIn) throw new ValidationError('Укажите версию, в которой ошибка исправлена (например, 2.0.7.1).', 'fixedIn');
    if (!VERSION_PATTERN.test(fixedIn)) throw new ValidationError(`«${fixedIn}» — не версия 1С: ожидаются числа через точку, например 2.0.7.1.`, 'fixedIn');
  } else if (status === 'regression') {
    fixedIn = cur.fixed_in;
  }
  let reason: string | null = null;
  if (status === 'wontfix') {
    reason = req.reason?.trim() || (cur.status === 'wontfix' ? cur.reason : null);
    if (!reason) throw new ValidationError('Укажите причину, по которой ошибку не будут исправлять.', 'reason');
  }
  const keepFlag = cur.status === 'wontfix' ? cur.no_more_reports : 0;
  const noMore = status === 'wontfix' ? (req.noMoreReports === undefined ? keepFlag : req.noMoreReports ? 1 : 0) : 0;
  return { status, owner_login: ownerLogin, owner_name: ownerName, fixed_in: fixedIn, reason, no_more_reports: noMore };
}

export function sameState(a: ProblemState, b: ProblemState): boolean {
  return (
    a.status === b.status && a.owner_login === b.owner_login && a.fixed_in === b.fixed_in && a.reason === b.reason && a.no_more_reports === b.no_more_reports
  );
}
