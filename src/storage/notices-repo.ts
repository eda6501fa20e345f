import type { Database } from 'sql.js';
import { all, run } from './sql';

export interface DueNotice {
  id: number;
  error_id: number;
  config_name: string;
  attempts: number;
  config_version: string;
  texts: string;
  kind: string;
  /** NULL: the configuration's recipients. */
  recipient: string | null;
  reports_total: number;
  computers: number;
  problem_id: number | null;
  /** The problem's unique errors: more than one means the error joined a known problem. */
  problem_errors: number;
  status: string | null;
  fixed_in: string | null;
}

/** Notices whose time has come, oldest first, with what the mail shows of their error. */
export function dueNotices(db: Database, now: string, limit: number): DueNotice[] {
  return all<DueNotice>(
    db,
    `SELECT n.id, n.error_id, n.config_name, n.attempts, e.config_version, e.texts, n.kind, n.recipient, e.reports_total, e.computers,
            e.problem_id, (SELECT COUNT(*) FROM errors x WHERE x.problem_id = e.problem_id) AS problem_errors, p.status, p.fixed_in
       FROM notices n JOIN errors e ON e.id = n.error_id LEFT JOIN problems p ON p.id = e.problem_id
      WHERE n.next_attempt_at <= ?
      ORDER BY n.id LIMIT ?`,
    [now, limit],
  );
}

/** Sent (or nobody to send to): the queue forgets it. */
export function dropNotice(db: Database, id: number): void {
  run(db, 'DELETE FROM notices WHERE id = ?', [id]);
}

/** A failed send: tried again at `next` (the reason is in the log). */
export function postponeNotice(db: Database, id: number, next: string): void {
  run(db, 'UPDATE notices SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?', [next, id]);
}

/** When the next pending notice of each configuration (and personal recipient) is due. */
export function nextDueByConfig(db: Database): { config_name: string; recipient: string | null; t: string }[] {
  return all<{ config_name: string; recipient: string | null; t: string }>(
    db,
    'SELECT config_name, recipient, MIN(next_attempt_at) AS t FROM notices GROUP BY config_name, recipient',
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
