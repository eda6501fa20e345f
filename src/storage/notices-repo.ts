import type { Database } from 'sql.js';
import { all, run } from './sql';

export interface DueNotice {
  id: number;
  error_id: number;
  config_name: string;
  attempts: number;
  config_version: string;
  texts: string;
}

/** Notices whose time has come, oldest first, with what the mail shows of their error. */
export function dueNotices(db: Database, now: string, limit: number): DueNotice[] {
  return all<DueNotice>(
    db,
    `SELECT n.id, n.error_id, n.config_name, n.attempts, e.config_version, e.texts
       FROM notices n JOIN errors e ON e.id = n.error_id
      WHERE n.sent_at IS NULL AND n.next_attempt_at <= ?
      ORDER BY n.id LIMIT ?`,
    [now, limit],
  );
}

/** Sent (or nobody to send to): the queue forgets it. */
export function dropNotice(db: Database, id: number): void {
  run(db, 'DELETE FROM notices WHERE id = ?', [id]);
}

export function postponeNotice(db: Database, id: number, next: string, error: string): void {
  run(db, 'UPDATE notices SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?', [next, error, id]);
}

/** When the next pending notice of each configuration is due. */
export function nextDueByConfig(db: Database): { config_name: string; t: string }[] {
  return all<{ config_name: string; t: string }>(
    db,
    'SELECT config_name, MIN(next_attempt_at) AS t FROM notices WHERE sent_at IS NULL GROUP BY config_name',
  );
}

/** Notices whose error is gone (cleared) are dropped with it. */
export function dropOrphanNotices(db: Database): number {
  return run(db, 'DELETE FROM notices WHERE error_id NOT IN (SELECT id FROM errors)');
}

/** When each configuration was last mailed (the mail interval counts from there, across restarts). */
export function lastMailed(db: Database): { config_name: string; sent_at: string }[] {
  return all<{ config_name: string; sent_at: string }>(db, 'SELECT config_name, sent_at FROM mailed');
}

export function rememberMailed(db: Database, configName: string, at: string): void {
  run(db, 'INSERT INTO mailed (config_name, sent_at) VALUES (?, ?) ON CONFLICT (config_name) DO UPDATE SET sent_at = excluded.sent_at', [configName, at]);
}
