import { bumpRevision, errorsOfProblem, insertEvent, insertProblem, mergeProblemRows, recountProblem, setErrorProblem, type ProblemRow } from '../storage/problems-repo';
import { findError } from '../storage/pages-repo';
import { RefusedError } from '../errors';
import { assertFresh, problemFor, type StateDeps } from './problem-state';
import type { Person } from './problem-status';

/**
 * People correct the problem rule: merge two problems of one configuration (the target
 * keeps its number, state and history; the other's history joins it) or split a unique
 * error out into a problem of its own. Both are made on the revision the page showed and
 * are recorded in the history. New errors follow the moved keys: after a merge they join
 * the target; a split takes out the one unique error, its key keeps pointing where it did.
 */
export async function mergeProblems(
  deps: StateDeps,
  m: { errorId: number; rev: number; intoErrorId: number },
  me: Person,
  now = new Date(),
): Promise<ProblemRow> {
  const at = now.toISOString();
  return deps.store.write((db) => {
    const source = problemFor(db, m.errorId);
    assertFresh(db, source, m.rev);
    const target = problemFor(db, m.intoErrorId);
    if (target.id === source.id) throw new RefusedError(`Ошибки №${m.errorId} и №${m.intoErrorId} уже в одной проблеме №${source.id}.`);
    if (target.config_name !== source.config_name) {
      throw new RefusedError(`Объединять можно только проблемы одной конфигурации: ${source.config_name} и ${target.config_name} — разные.`);
    }
    const moved = errorsOfProblem(db, source.id, 10_000).map((e) => e.id);
    mergeProblemRows(db, source.id, target.id);
    const rev = bumpRevision(db, target.id);
    const data = { from: source.id, errors: moved };
    insertEvent(db, target.id, { rev, at, login: me.login, name: me.name, kind: 'merge', data: JSON.stringify(data) });
    return problemFor(db, target.id === source.id ? m.errorId : m.intoErrorId);
  });
}

/** Takes unique error N out of its problem into a new one ("новая"). */
export async function splitError(deps: StateDeps, s: { errorId: number; rev: number }, me: Person, now = new Date()): Promise<ProblemRow> {
  const at = now.toISOString();
  return deps.store.write((db) => {
    const source = problemFor(db, s.errorId);
    assertFresh(db, source, s.rev);
    if (errorsOfProblem(db, source.id, 2).length < 2) throw new RefusedError(`Ошибка №${s.errorId} — единственная в проблеме №${source.id}: выделять нечего.`);
    const error = findError(db, s.errorId)!;
    // A key of its own that no rule computes: the new problem is reached only through its errors.
    const id = insertProblem(db, source.config_name, `split:${s.errorId}:${at}`, error.first_seen);
    setErrorProblem(db, s.errorId, id);
    recountProblem(db, id);
    recountProblem(db, source.id);
    const outRev = bumpRevision(db, source.id);
    insertEvent(db, source.id, { rev: outRev, at, login: me.login, name: me.name, kind: 'split-out', data: JSON.stringify({ error: s.errorId, to: id }) });
    insertEvent(db, id, { rev: 1, at, login: me.login, name: me.name, kind: 'split-in', data: JSON.stringify({ error: s.errorId, from: source.id }) });
    return problemFor(db, s.errorId);
  });
}
