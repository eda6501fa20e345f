import type { Database } from 'sql.js';
import { all, run, tuples } from './sql';

/** SQL of error_categories (migration 17): the categories of each unique error's chain. */

/** Left by migration 17 when errors were stored before: the backfill's cursor (an error id). */
export const CATEGORY_CURSOR = 'backfill_categories_after';

/** The categories of a unique error (registry/error-categories.ts), one statement. */
export function addErrorCategories(db: Database, errorId: number, categories: readonly string[]): void {
  if (categories.length === 0) return;
  run(db, 'INSERT OR IGNORE INTO error_categories (category, error_id) SELECT value, ? FROM json_each(?)', [errorId, JSON.stringify(categories)]);
}

/**
 * Every category some unique error has, in order (the filter's choices). A skip-scan of the
 * (category, error_id) key: one lookup per distinct category, however many errors.
 */
export function errorCategories(db: Database): string[] {
  return tuples<[string]>(
    db,
    `WITH RECURSIVE c(name) AS (SELECT MIN(category) FROM error_categories
       UNION ALL SELECT (SELECT MIN(category) FROM error_categories WHERE category > c.name) FROM c WHERE c.name IS NOT NULL)
     SELECT name FROM c WHERE name IS NOT NULL LIMIT 200`,
    [],
  ).map(([name]) => name);
}

/**
 * Unique errors after `afterId` with a chain (detailed) and the zip of their oldest stored
 * report, if any is left: the backfill reads its report.json.
 */
export function nextErrorsForCategories(db: Database, afterId: number, limit: number): { id: number; zip_name: string | null }[] {
  return all(
    db,
    `SELECT e.id, (SELECT r.zip_name FROM reports r WHERE r.error_id = e.id ORDER BY r.id LIMIT 1) AS zip_name
       FROM errors e WHERE e.id > ? AND e.detailed = 1 ORDER BY e.id LIMIT ?`,
    [afterId, limit],
  );
}
