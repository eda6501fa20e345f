import type { Database } from 'sql.js';
import type { Cursor, ErrorFilter } from './pages-repo';
import { PROBLEM_COLUMNS, type ProblemRow } from './problems-repo';
import { all, get } from './sql';

/**
 * The problem list, newest problem first, keyset-paged by problem id. One constant SQL text
 * per filter shape, each an index range in problem order (test/pages/query-plans.test.ts):
 * no filter — the rowid; configuration — problems_by_config; a version — the problem ids of
 * that version's errors (errors_by_version_problem / errors_by_config_version_problem, a
 * DISTINCT that the index order makes free), then each problem by id.
 */
type Kind = 'all' | 'config' | 'version' | 'both';

function idQueries(from: string, column: string, where: string) {
  return {
    older: `SELECT DISTINCT ${column} AS id FROM ${from} WHERE ${where} ${column} < :id ORDER BY ${column} DESC LIMIT :limit`,
    newer: `SELECT DISTINCT ${column} AS id FROM ${from} WHERE ${where} ${column} > :id ORDER BY ${column} ASC LIMIT :limit`,
  };
}

const SQL: Record<Kind, { older: string; newer: string }> = {
  all: idQueries('problems', 'id', ''),
  config: idQueries('problems', 'id', 'config_name = :config AND'),
  version: idQueries('errors', 'problem_id', 'config_version = :version AND'),
  both: idQueries('errors', 'problem_id', 'config_name = :config AND config_version = :version AND'),
};

const BY_ID = `SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id = ?`;

function kindOf(f: ErrorFilter): Kind {
  if (f.config !== undefined && f.version !== undefined) return 'both';
  if (f.config !== undefined) return 'config';
  if (f.version !== undefined) return 'version';
  return 'all';
}

function params(f: ErrorFilter, id: number, limit: number): Record<string, string | number> {
  const p: Record<string, string | number> = { ':id': id, ':limit': limit };
  if (f.config !== undefined) p[':config'] = f.config;
  if (f.version !== undefined) p[':version'] = f.version;
  return p;
}

/** Problem ids of a page, newest first. */
function pageIds(db: Database, filter: ErrorFilter, cursor: Cursor, limit: number): number[] {
  const sql = SQL[kindOf(filter)];
  if ('after' in cursor) return all<{ id: number }>(db, sql.newer, params(filter, cursor.after, limit)).map((r) => r.id).reverse();
  return all<{ id: number }>(db, sql.older, params(filter, cursor.before, limit)).map((r) => r.id);
}

/** A page of problems, newest first. */
export function listProblems(db: Database, filter: ErrorFilter, cursor: Cursor, limit: number): ProblemRow[] {
  return pageIds(db, filter, cursor, limit).flatMap((id) => get<ProblemRow>(db, BY_ID, [id]) ?? []);
}

/** Whether the filter matches a problem older (smaller id) / newer than `id`. */
export function hasProblemsBeyond(db: Database, filter: ErrorFilter, id: number, side: 'older' | 'newer'): boolean {
  return pageIds(db, filter, side === 'older' ? { before: id } : { after: id }, 1).length > 0;
}
