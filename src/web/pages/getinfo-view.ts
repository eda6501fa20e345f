import { describeAnswer } from '../../registry/getinfo-match';
import type { Settings } from '../../registry/settings-schema';
import type { UnaskedCounts } from '../../registry/unasked-counts';
import { problemHasStackHash, unaskedOf, type UnaskedRow } from '../../storage/getinfo-repo';
import { readProblem } from '../../storage/problems-repo';
import type { Store } from '../../storage/store';

/** What the error page says of getInfo for a problem: its answer now and why, and the occurrences not uploaded. */
export interface GetInfoView {
  asks: 'yes' | 'no' | 'some';
  text: string;
  /** Stored plus still counted in memory. */
  unasked: number;
  byDay: UnaskedRow[];
}

const DAYS_SHOWN = 14;

export function getInfoView(store: Store, settings: Settings, unasked: UnaskedCounts, problemId: number): GetInfoView | undefined {
  return store.read((db) => {
    const p = readProblem(db, problemId);
    if (!p) return undefined;
    const rule = settings.configurations.find((c) => c.name === p.config_name);
    const answer = describeAnswer(p, rule, problemHasStackHash(db, problemId));
    return { ...answer, unasked: p.unasked_total + unasked.pendingOf(problemId), byDay: unaskedOf(db, problemId, DAYS_SHOWN) };
  });
}
