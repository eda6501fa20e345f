import type { Database } from 'sql.js';
import type { KServer, Session } from '../kserver/api';
import { formatDateTime } from '../dates';
import {
  bumpRevision,
  enqueueProblemNotice,
  eventsSince,
  insertEvent,
  problemOfError,
  readProblem,
  writeProblemState,
  type ProblemRow,
  type ProblemState,
} from '../storage/problems-repo';
import type { Store } from '../storage/store';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { personOf } from './people';
import { describeEvent } from './problem-events';
import { nextState, sameState, type Person, type StateRequest } from './problem-status';

export interface StateDeps {
  store: Store;
  kserver: KServer;
}

export interface StateChange extends StateRequest {
  /** Any unique error of the problem. */
  errorId: number;
  /** The problem's revision the page showed. */
  rev: number;
  comment?: string;
}

/**
 * One change of a problem's state and/or a comment, signed by the KServer user `me` (the
 * web layer resolves who it is, once per request), made on
 * the revision the page showed: if anyone changed the problem since, nothing is written
 * and the refusal lists what changed. A problem given to someone else queues them a mail.
 */
export async function changeProblemState(deps: StateDeps, change: StateChange, me: Person, session: Session, now = new Date()): Promise<ProblemRow> {
  const owner = change.owner === undefined ? undefined : change.owner.trim() === '' ? null : await personOf(deps.kserver, session, me, change.owner.trim());
  const comment = change.comment?.trim() ?? '';
  const at = now.toISOString();
  return deps.store.write((db) => {
    const problem = problemFor(db, change.errorId);
    assertFresh(db, problem, change.rev);
    const cur: ProblemState = problem;
    const next = nextState(cur, change, me, owner);
    const changed = !sameState(cur, next);
    if (!changed && !comment) throw new ValidationError('Нечего изменять: состояние то же, комментария нет.');
    let rev = problem.rev;
    if (changed) {
      writeProblemState(db, problem.id, rev, next);
      rev += 1;
      const data = { from: shapeOf(cur), to: shapeOf(next) };
      insertEvent(db, problem.id, { rev, at, login: me.login, name: me.name, kind: 'state', data: JSON.stringify(data) });
      const given = next.owner_login !== null && next.owner_login !== cur.owner_login && next.owner_login !== me.login;
      if (given && owner?.email) {
        enqueueProblemNotice(db, { kind: 'owner', errorId: change.errorId, problemId: problem.id, configName: problem.config_name, recipient: owner.email, at });
      }
    }
    if (comment) {
      rev = bumpRevision(db, problem.id);
      insertEvent(db, problem.id, { rev, at, login: me.login, name: me.name, kind: 'comment', data: JSON.stringify({ text: comment }) });
    }
    return readProblem(db, problem.id)!;
  });
}

/** The problem of unique error N, or a 404. */
export function problemFor(db: Database, errorId: number): ProblemRow {
  const id = problemOfError(db, errorId);
  const problem = id === undefined ? undefined : readProblem(db, id);
  if (!problem) throw new NotFoundError(`Ошибка №${errorId} не найдена. Возможно, она удалена очисткой.`);
  return problem;
}

/** Refuses a change made on an older revision, saying what happened since. */
export function assertFresh(db: Database, problem: ProblemRow, rev: number): void {
  if (rev === problem.rev) return;
  const since = eventsSince(db, problem.id, rev, 20).map((e) => ({
    at: e.at,
    who: e.name ?? 'pult',
    what: describeEvent(e),
  }));
  const lines = since.map((c) => `${formatDateTime(c.at)} ${c.who}: ${c.what}`);
  throw new ConflictError(
    `Пока страница была открыта, проблему №${problem.id} изменили, поэтому ваше изменение не сохранено.` +
      (lines.length ? ` Что изменилось: ${lines.join('; ')}.` : ''),
    'Обновите страницу, проверьте новое состояние и повторите изменение, если оно ещё нужно.',
    { rev: problem.rev, changes: since },
  );
}

function shapeOf(s: ProblemState) {
  return {
    status: s.status,
    owner: s.owner_login === null ? null : { login: s.owner_login, name: s.owner_name ?? s.owner_login },
    fixedIn: s.fixed_in,
    reason: s.reason,
    noMoreReports: s.no_more_reports === 1,
  };
}

export type { Person };
