import { errorsOfProblem, eventsOf, readProblem } from '../../storage/problems-repo';
import type { Store } from '../../storage/store';
import { ERRORS_PER_PROBLEM } from './problems-list';
import { presentEvent, presentProblem, problemJson, stateJson } from './present-problem';

/** `{problem, state}` of one problem: the answer to a change, and part of `s/reports/N` JSON. */
export function problemAnswer(store: Store, problemId: number, historyLimit = 200) {
  return store.read((db) => {
    const row = readProblem(db, problemId);
    if (!row) return { problem: null, state: null };
    const view = presentProblem(row, errorsOfProblem(db, problemId, ERRORS_PER_PROBLEM));
    return { problem: problemJson(view), state: stateJson(view, eventsOf(db, problemId, historyLimit).map(presentEvent)) };
  });
}
