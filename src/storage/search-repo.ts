import type { Database } from 'sql.js';
import { compactUid } from './compact-values';
import { all, get, run } from './sql';

/**
 * SQL of the search (registry/search-query.ts says what a query means). Each part returns
 * error ids, newest matches first, at most `limit` matching rows read: a word in every
 * user name must not cost a walk over a million reports.
 */

/** Errors whose texts or stack hash hold every word (each hit checked in the small index, not the half-kilobyte row), newest first, shard by shard. */
export function errorsByText(db: Database, match: string, limit: number): number[] {
  const range = get<{ low: number | null; high: number | null }>(db, 'SELECT MIN(id) AS low, MAX(id) AS high FROM errors')!;
  return newestInShards(range.low ?? 0, range.high ?? 0, limit, (shard, left) =>
    all<{ id: number }>(
      db,
      `SELECT e.id FROM (SELECT docid FROM error_search WHERE error_search MATCH ? AND shard = ? ORDER BY docid DESC LIMIT ?) m
         JOIN errors e INDEXED BY errors_problem_by_id ON e.id = m.docid`,
      [match, shard, left],
    ).map((r) => r.id),
  );
}

/**
 * Up to `limit` matches, newest first, from the shards (ranges of SHARD_SIZE numbers, see
 * migrations 19 and 21) between the numbers `low` and `high`: the newest shard first, an
 * older one only while the limit is not reached.
 */
function newestInShards(low: number, high: number, limit: number, matches: (shard: number, left: number) => number[]): number[] {
  const found: number[] = [];
  for (let shard = Math.floor(high / SHARD_SIZE); shard >= Math.floor(low / SHARD_SIZE) && found.length < limit; shard--) {
    for (const id of matches(shard, limit - found.length)) found.push(id);
  }
  return found;
}

/**
 * Reports (errors) per shard of report_search (error_search): `shard` = id >> 15, migrations
 * 19 and 21. A merge step of an index handles at most one shard's list of a word, and a
 * search reads the newest shard first and stops when it has `limit` matches.
 */
export const SHARD_SIZE = 2 ** 15;

/**
 * The errors of the newest reports whose user, descriptions, additionalInfo or computer
 * hold every word: one entry per matching report (so the caller sees whether `limit` was
 * reached), newest first, from the newest indexed report down to the oldest stored one.
 */
export function errorsByReportText(db: Database, match: string, limit: number): number[] {
  const range = get<{ low: number | null }>(db, 'SELECT MIN(id) AS low FROM reports')!;
  return newestInShards(range.low ?? 0, searchedUpTo(db), limit, (shard, left) =>
    all<{ error_id: number }>(
      db,
      `SELECT r.error_id FROM (SELECT docid FROM report_search WHERE report_search MATCH ? AND shard = ? ORDER BY docid DESC LIMIT ?) m
         JOIN reports r ON r.id = m.docid`,
      [match, shard, left],
    ).map((r) => r.error_id),
  );
}

/** The error of a report by the platform's report id, or by pult's report number; the error by its number. */
export function errorsByExact(db: Database, exact: string, number: number | undefined): number[] {
  return all<{ id: number }>(
    db,
    `SELECT r.error_id AS id FROM report_uids u JOIN reports r ON r.id = u.report_id WHERE u.key = ?
     UNION SELECT error_id FROM reports WHERE id = ?
     UNION SELECT id FROM errors WHERE id = ?`,
    [compactUid(exact), number ?? null, number ?? null],
  ).map((r) => r.id);
}

/**
 * A search index written in batches behind a mark in `meta`: the rows above the mark were
 * never indexed (ids only go up), the content view shows only the rows up to it. Reports
 * since migration 14, errors since migration 25.
 */
interface DeferredIndex {
  /** The mark. */
  upto: string;
  /** The last id and count of the next `limit` rows above the mark (?, ?). */
  next: string;
  /** Moves the mark (?). */
  move: string;
  /** Adds the rows between two ids (?, ?] from the content view. */
  insert: string;
}

const REPORT_INDEX: DeferredIndex = {
  upto: "SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = 'report_search_upto'",
  next: 'SELECT MAX(id) AS id, COUNT(*) AS n FROM (SELECT id FROM reports WHERE id > ? ORDER BY id LIMIT ?)',
  move: "UPDATE meta SET value = ? WHERE key = 'report_search_upto'",
  insert: `INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id, shard)
       SELECT rowid, user_name, descriptions, additional_info, client_id, shard FROM report_doc WHERE rowid > ? AND rowid <= ?`,
};

const ERROR_INDEX: DeferredIndex = {
  upto: "SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = 'error_search_upto'",
  next: 'SELECT MAX(id) AS id, COUNT(*) AS n FROM (SELECT id FROM errors WHERE id > ? ORDER BY id LIMIT ?)',
  move: "UPDATE meta SET value = ? WHERE key = 'error_search_upto'",
  insert: `INSERT INTO error_search (docid, texts, stack_hash, shard)
       SELECT rowid, texts, stack_hash, shard FROM error_doc WHERE rowid > ? AND rowid <= ?`,
};

/** Adds the next rows above the index's mark, at most `limit`, and moves the mark past them; returns how many were added. */
function indexNext(db: Database, index: DeferredIndex, limit: number): number {
  const upto = indexedUpTo(db, index);
  const last = get<{ id: number | null; n: number }>(db, index.next, [upto, limit])!;
  if (last.id === null) return 0;
  // The mark first: the content view shows the rows up to it.
  run(db, index.move, [last.id]);
  run(db, index.insert, [upto, last.id]);
  return last.n;
}

function indexedUpTo(db: Database, index: DeferredIndex): number {
  return get<{ v: number }>(db, index.upto)?.v ?? 0;
}

/** The next reports not yet in report_search, at most `limit`; returns how many were added. */
export function indexNextReports(db: Database, limit: number): number {
  return indexNext(db, REPORT_INDEX, limit);
}

/** The next errors not yet in error_search, at most `limit`; returns how many were added. */
export function indexNextErrors(db: Database, limit: number): number {
  return indexNext(db, ERROR_INDEX, limit);
}

function searchedUpTo(db: Database): number {
  return indexedUpTo(db, REPORT_INDEX);
}

/** Are there reports or errors above the marks, never indexed? (Two lookups at the ends of two indexes.) */
export function hasUnindexed(db: Database): boolean {
  return (
    get<{ x: number }>(
      db,
      `SELECT COALESCE((SELECT MAX(id) FROM reports), 0) > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto')
           OR COALESCE((SELECT MAX(id) FROM errors), 0) > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'error_search_upto') AS x`,
    )?.x === 1
  );
}

/**
 * FTS4 keeps an index as segments in levels and merges a level all at once when it holds
 * 16 segments — inside whichever commit adds the 17th. At a million reports the top level is
 * most of the index: such a merge held the loop 450–620 ms (bench:pages retention). Merging
 * levels of ≥ 8 segments, at most 32 blocks per call ('merge=32,8', resumable) keeps every
 * level below 16, so that merge never comes.
 */
const MERGE_STEPS = [
  "INSERT INTO report_search (report_search) VALUES ('merge=32,8')",
  "INSERT INTO error_search (error_search) VALUES ('merge=32,8')",
] as const;

/**
 * Merges search-index segments step by step until `deadline`, one step of each index in turn
 * (neither waits for the other's backlog); true while work is left.
 */
export function mergeSearchSegments(db: Database, deadline: number): boolean {
  const pending = new Set(MERGE_STEPS);
  while (pending.size > 0) {
    for (const sql of pending) {
      if (performance.now() >= deadline) return true;
      const before = totalChanges(db);
      run(db, sql);
      // SQLite's advice: a step that changed fewer than two rows found nothing to merge.
      if (totalChanges(db) - before < 2) pending.delete(sql);
    }
  }
  return false;
}

/**
 * A few milliseconds of merging inside another batch (a removal, a batch of new reports,
 * each adds segments): upkeep, so a failed step is told and does not undo the batch
 * (SQLite undid only the step).
 */
export function mergeAlongside(db: Database, ms: number, warn: (message: string) => void): void {
  try {
    mergeSearchSegments(db, performance.now() + ms);
  } catch (err) {
    warn(`слияние поискового индекса: ${(err as Error).message}`);
  }
}

function totalChanges(db: Database): number {
  return get<{ n: number }>(db, 'SELECT total_changes() AS n')!.n;
}
