import type { Database } from 'sql.js';
import { errorsByExact, errorsByReportText, errorsByText } from '../storage/search-repo';
import type { SearchQuery } from './search-query';

/** Matching rows read at most per part of a search (see search-repo.ts). */
export const SEARCH_ROWS = 5000;

export interface SearchHits {
  /** Unique errors that match, exact hits first, then the newest. */
  errorIds: number[];
  /** True when a part hit its row limit: older matches may be missing. */
  truncated: boolean;
}

/** The unique errors a search finds; the list shows them (or their problems). */
export function searchErrors(db: Database, q: SearchQuery, limit = SEARCH_ROWS): SearchHits {
  const exact = errorsByExact(db, q.exact, q.number);
  const byText = errorsByText(db, q.match, limit);
  // A UUID: one word where the reports' index has it so (migration 23), five parts elsewhere.
  const reportParts = [q.reportMatch, q.match].filter((m) => m !== undefined).map((m) => errorsByReportText(db, m, limit));
  const byReports = reportParts.flat();
  const seen = new Set<number>();
  const errorIds: number[] = [];
  for (const id of [...exact, ...[...byText, ...byReports].sort((a, b) => b - a)]) {
    if (!seen.has(id)) errorIds.push(id), seen.add(id);
  }
  // A part that returned `limit` rows may have had more.
  return { errorIds, truncated: byText.length >= limit || reportParts.some((part) => part.length >= limit) };
}
