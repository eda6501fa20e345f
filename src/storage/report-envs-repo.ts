import type { Database } from 'sql.js';
import type { ReportFacts } from '../registry/report-facts';
import { get, v } from './sql';

/**
 * The user and environment of a report (1C version and application, platform, server, DBMS,
 * data separation, user agent) come in a handful of combinations per installation: each is
 * stored once in report_envs (migration 18) and a report keeps its id. Rows there are never
 * deleted, so an id never changes meaning.
 */

interface Cached {
  id: number;
  /** Inserted by this process: its transaction may have been rolled back since. */
  provisional: boolean;
}

const caches = new WeakMap<Database, Map<string, Cached>>();

/** The id of this report's environment, created on first sight; no SQL for a known one. */
export function envIdOf(db: Database, f: ReportFacts): number {
  const values = [
    v(f.userName), v(f.appVersion), v(f.appName), v(f.platformType), v(f.serverType), v(f.serverVersion),
    v(f.dataSeparation), v(f.dbms), v(f.changeEnabled), v(f.userAgent),
  ];
  const key = JSON.stringify(values);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  // An id this process inserted is checked (one rowid lookup): a rolled-back insert leaves
  // the cache pointing at nothing, or at a later row that took the same number.
  if (hit && (!hit.provisional || get(db, 'SELECT 1 AS x FROM report_envs WHERE id = ? AND key = ?', [hit.id, key]))) return hit.id;
  const stored = get<{ id: number }>(db, 'SELECT id FROM report_envs WHERE key = ?', [key]);
  if (stored) {
    cache.set(key, { id: stored.id, provisional: hit !== undefined });
    return stored.id;
  }
  const id = get<{ id: number }>(
    db,
    `INSERT INTO report_envs (key, user_name, app_version, app_name, platform_type, server_type, server_version, data_separation, dbms, change_enabled, user_agent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [key, ...values],
  )!.id;
  cache.set(key, { id, provisional: true });
  return id;
}
