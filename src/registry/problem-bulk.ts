import { AppError, ConflictError } from '../errors';
import type { Session } from '../kserver/api';
import { changeProblemState, type StateDeps } from './problem-state';
import type { Person, Status } from './problem-status';

/** At most this many problems in one bulk change (a page of the list is 50). */
export const BULK_MAX = 100;

export interface BulkItem {
  /** Any unique error of the problem, as in POST s/errors/N/state. */
  errorId: number;
  /** The revision the person saw. */
  rev: number;
}

export interface BulkResult {
  changed: number;
  /** Someone changed these since the list was shown: nothing done to them. */
  conflicts: number;
  /** Refused by the state rules or gone. */
  refused: number;
}

/**
 * The list's bulk action: each selected problem goes through exactly the rules of
 * POST s/errors/N/state (its own revision, state rules, history), one after another, so a
 * conflict on one leaves the others as they are and is reported, not overwritten.
 */
export async function changeStates(deps: StateDeps, items: BulkItem[], change: { status: Status; reason?: string }, me: Person, session: Session): Promise<BulkResult> {
  const result: BulkResult = { changed: 0, conflicts: 0, refused: 0 };
  for (const item of items) {
    try {
      await changeProblemState(deps, { errorId: item.errorId, rev: item.rev, status: change.status, reason: change.reason }, me, session);
      result.changed++;
    } catch (e) {
      if (e instanceof ConflictError) result.conflicts++;
      else if (e instanceof AppError && e.status < 500) result.refused++;
      else throw e;
    }
  }
  return result;
}
