import type { Database } from 'sql.js';
import { all, get, run } from './sql';

/** SQL of getInfo's answer: the problems of a stack hash, a version's figures, the occurrences not uploaded. */

export interface StackProblemRow {
  id: number;
  status: string;
  fixed_in: string | null;
  no_more_reports: number;
  owner_name: string | null;
}

/** More than this many problems behind one hash is ambiguous anyway: no need to read them all. */
const STACK_PROBLEMS = 8;

/**
 * The problems whose unique errors of this configuration have this stack hash: a range of
 * the index errors_by_config_stack (config_name, stack_hash, problem_id), then a rowid
 * lookup per problem.
 */
export function problemsOfStack(db: Database, configName: string, stackHash: string): StackProblemRow[] {
  return all<StackProblemRow>(
    db,
    `SELECT p.id, p.status, p.fixed_in, p.no_more_reports, p.owner_name FROM problems p
      WHERE p.id IN (SELECT e.problem_id FROM errors e WHERE e.config_name = ? AND e.stack_hash = ? AND e.problem_id IS NOT NULL)
      ORDER BY p.id LIMIT ?`,
    [configName, stackHash, STACK_PROBLEMS],
  );
}

/**
 * Reports and computers of a problem in one version: sums over its unique errors of that
 * version (index errors_by_config_version_problem). A computer whose reports fall into two
 * unique errors of the version (another extension set) counts twice here.
 */
export function versionFigures(db: Database, problemId: number, configName: string, version: string): { reports: number; computers: number } {
  return get<{ reports: number; computers: number }>(
    db,
    `SELECT COALESCE(SUM(reports_total), 0) AS reports, COALESCE(SUM(computers), 0) AS computers FROM errors
      WHERE config_name = ? AND config_version = ? AND problem_id = ?`,
    [configName, version, problemId],
  )!;
}

/** Adds occurrences not uploaded to a problem's day and version (nothing when the problem is gone). */
export function addUnasked(db: Database, problemId: number, day: string, version: string, count: number): void {
  const added = run(
    db,
    `INSERT INTO problem_unasked (problem_id, day, version, count) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM problems WHERE id = ?)
       ON CONFLICT (problem_id, day, version) DO UPDATE SET count = count + excluded.count`,
    [problemId, day, version, count, problemId],
  );
  if (added > 0) run(db, 'UPDATE problems SET unasked_total = unasked_total + ? WHERE id = ?', [count, problemId]);
}

export interface UnaskedRow {
  day: string;
  version: string;
  count: number;
}

/** A problem's occurrences not uploaded, newest day first. */
export function unaskedOf(db: Database, problemId: number, limit: number): UnaskedRow[] {
  return all<UnaskedRow>(db, 'SELECT day, version, count FROM problem_unasked WHERE problem_id = ? ORDER BY day DESC, version DESC LIMIT ?', [
    problemId,
    limit,
  ]);
}

/** Has any unique error of the problem a stack hash (else getInfo can never recognise it)? */
export function problemHasStackHash(db: Database, problemId: number): boolean {
  return get(db, "SELECT 1 AS x FROM errors WHERE problem_id = ? AND stack_hash <> '' LIMIT 1", [problemId]) !== undefined;
}
