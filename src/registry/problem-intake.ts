import type { Database } from 'sql.js';
import {
  addProblemComputer,
  addProblemUser,
  countProblemReport,
  enqueueProblemNotice,
  fixedProblemState,
  findProblemByKey,
  insertEvent,
  insertProblem,
  setErrorProblem,
  writeProblemState,
  type ProblemState,
  type ReportFlags,
} from '../storage/problems-repo';
import type { ErrorKey } from './error-key';
import { isRegression } from './regression';

export interface CountedReport {
  errorId: number;
  /** The problem already found in this transaction (by the error, or by the key), if any. */
  problemId: number | undefined;
  /** The error already points to `problemId`; otherwise it joins it (or founds one). */
  linked: boolean;
  /** The problem rule's key of the report (problem-key.ts), computed once. */
  problemKey: () => string;
  key: ErrorKey;
  clientId: string | undefined;
  userName: string | undefined;
  /** The report was stored (not folded): its computer and user count for the problem. */
  stored: boolean;
  newComputer: boolean;
  time: string;
  /** A stored report's screenshot / attached files / crash, for the list's filters. */
  flags?: ReportFlags;
}

/**
 * The problem's share of registering a report, inside the report's transaction: a new
 * error joins the problem its key points to (or a new one); every report counts for the
 * problem; a report of version ≥ X of a problem fixed in X reopens it as a regression and
 * queues a mail. Cost per report: index lookups and one UPDATE, no scan; the state is read
 * only of a problem "исправлена".
 */
export function countInProblem(db: Database, r: CountedReport): { problemId: number; reopened: boolean } {
  const problemId = r.linked && r.problemId !== undefined ? r.problemId : join(db, r);
  const newComputer = r.stored && r.newComputer && r.clientId !== undefined && addProblemComputer(db, problemId, r.clientId);
  const newUser = r.stored && !!r.userName && addProblemUser(db, problemId, r.userName);
  countProblemReport(db, problemId, r.time, newComputer, newUser, r.stored ? r.flags : undefined);
  const state = fixedProblemState(db, problemId);
  const reopened = !!state && isRegression(state.status, state.fixed_in, r.key.configVersion) && reopen(db, problemId, state, r);
  return { problemId, reopened };
}

/** An error not yet in a problem joins the one its key points to, or founds it. */
function join(db: Database, r: CountedReport): number {
  const problemId = r.problemId ?? findProblemByKey(db, r.problemKey()) ?? insertProblem(db, r.key.configName, r.problemKey(), r.time);
  setErrorProblem(db, r.errorId, problemId);
  return problemId;
}

function reopen(db: Database, problemId: number, state: ProblemState & { rev: number; config_name: string }, r: CountedReport): boolean {
  const next: ProblemState = { ...state, status: 'regression' };
  if (!writeProblemState(db, problemId, state.rev, next)) return false;
  const data = { version: r.key.configVersion, fixedIn: state.fixed_in, errorId: r.errorId, from: { status: state.status } };
  insertEvent(db, problemId, { rev: state.rev + 1, at: r.time, login: null, name: null, kind: 'regression', data: JSON.stringify(data) });
  enqueueProblemNotice(db, { kind: 'regression', errorId: r.errorId, problemId, configName: state.config_name, recipient: null, at: r.time });
  return true;
}
