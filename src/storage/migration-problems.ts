import type { Database } from 'sql.js';
import { stringList } from '../json-list';
import { problemKeyOf } from '../registry/problem-key';
import { all, run } from './sql';

/**
 * Schema 3: problems above unique errors (registry/problem-key.ts), their state with a
 * revision, the distinct computers and 1C users of each, a history of every change and
 * comment; notices learn other kinds than "new error". Existing errors are grouped by the
 * problem rule and the old marks become "в работе" with their person and time.
 */
export function addProblems(db: Database): void {
  db.exec(`
    CREATE TABLE problems (
      id INTEGER PRIMARY KEY,
      config_name TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'new',      -- new | in-work | fixed | wontfix | regression
      owner_login TEXT,
      owner_name TEXT,
      fixed_in TEXT,
      reason TEXT,
      rev INTEGER NOT NULL DEFAULT 1,          -- +1 on every change of state and every comment
      first_seen TEXT NOT NULL,
      last_seen TEXT NOT NULL,
      reports_total INTEGER NOT NULL DEFAULT 0,
      computers INTEGER NOT NULL DEFAULT 0,    -- distinct clientIDs over all its errors
      users INTEGER NOT NULL DEFAULT 0         -- distinct 1C user names of its stored reports
    );
    CREATE INDEX problems_by_config ON problems (config_name, id);

    -- Where a new unique error goes: the problem rule's key → the problem (merges move keys).
    CREATE TABLE problem_keys (key_hash TEXT PRIMARY KEY, problem_id INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX problem_keys_by_problem ON problem_keys (problem_id);
    CREATE TABLE problem_computers (problem_id INTEGER NOT NULL, client_id TEXT NOT NULL, PRIMARY KEY (problem_id, client_id)) WITHOUT ROWID;
    CREATE TABLE problem_users (problem_id INTEGER NOT NULL, user_name TEXT NOT NULL, PRIMARY KEY (problem_id, user_name)) WITHOUT ROWID;

    CREATE TABLE problem_events (
      id INTEGER PRIMARY KEY,
      problem_id INTEGER NOT NULL,
      rev INTEGER NOT NULL,                    -- the problem's revision this event made
      at TEXT NOT NULL,
      login TEXT,                              -- NULL: pult itself (a regression at intake)
      name TEXT,
      kind TEXT NOT NULL,                      -- state | comment | regression | merge | split
      data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX problem_events_by_problem ON problem_events (problem_id, id);

    ALTER TABLE errors ADD COLUMN problem_id INTEGER;
    CREATE INDEX errors_by_problem ON errors (problem_id, id);
    -- The problem list filtered by version (and configuration): problems in id order.
    CREATE INDEX errors_by_version_problem ON errors (config_version, problem_id);
    CREATE INDEX errors_by_config_version_problem ON errors (config_name, config_version, problem_id);

    ALTER TABLE notices ADD COLUMN kind TEXT NOT NULL DEFAULT 'new-error';   -- new-error | regression | owner
    ALTER TABLE notices ADD COLUMN problem_id INTEGER;
    ALTER TABLE notices ADD COLUMN recipient TEXT;                           -- NULL: the configuration's recipients
  `);

  type Old = { id: number; config_name: string; texts: string; detailed: number; first_seen: string; last_seen: string; reports_total: number };
  const byKey = new Map<string, number>();
  for (const e of all<Old>(db, 'SELECT id, config_name, texts, detailed, first_seen, last_seen, reports_total FROM errors ORDER BY id')) {
    const key = problemKeyOf({ configName: e.config_name, texts: stringList(e.texts), detailed: e.detailed === 1 });
    let problemId = byKey.get(key);
    if (problemId === undefined) {
      problemId = all<{ id: number }>(db, 'INSERT INTO problems (config_name, first_seen, last_seen) VALUES (?, ?, ?) RETURNING id', [
        e.config_name,
        e.first_seen,
        e.last_seen,
      ])[0]!.id;
      byKey.set(key, problemId);
      run(db, 'INSERT INTO problem_keys (key_hash, problem_id) VALUES (?, ?)', [key, problemId]);
    }
    run(db, 'UPDATE errors SET problem_id = ? WHERE id = ?', [problemId, e.id]);
  }
  db.exec(`
    UPDATE problems SET
      reports_total = (SELECT COALESCE(SUM(reports_total), 0) FROM errors WHERE problem_id = problems.id),
      first_seen = (SELECT MIN(first_seen) FROM errors WHERE problem_id = problems.id),
      last_seen = (SELECT MAX(last_seen) FROM errors WHERE problem_id = problems.id);
    INSERT OR IGNORE INTO problem_computers (problem_id, client_id)
      SELECT e.problem_id, r.client_id FROM reports r JOIN errors e ON e.id = r.error_id WHERE r.client_id IS NOT NULL;
    INSERT OR IGNORE INTO problem_users (problem_id, user_name)
      SELECT e.problem_id, r.user_name FROM reports r JOIN errors e ON e.id = r.error_id WHERE r.user_name IS NOT NULL AND r.user_name <> '';
    UPDATE problems SET
      computers = (SELECT COUNT(*) FROM problem_computers WHERE problem_id = problems.id),
      users = (SELECT COUNT(*) FROM problem_users WHERE problem_id = problems.id);
  `);

  // A mark was "someone has taken it": the problem goes "в работе" with the latest marker.
  type Mark = { problem_id: number; mark_login: string | null; mark_name: string | null; mark_at: string };
  const marks = all<Mark>(db, 'SELECT problem_id, mark_login, mark_name, mark_at FROM errors WHERE mark_at IS NOT NULL ORDER BY mark_at');
  const latest = new Map<number, Mark>();
  for (const m of marks) latest.set(m.problem_id, m);
  for (const m of latest.values()) {
    const login = m.mark_login ?? '';
    const name = m.mark_name || login;
    run(db, "UPDATE problems SET status = 'in-work', owner_login = ?, owner_name = ?, rev = 2 WHERE id = ?", [login, name, m.problem_id]);
    const data = { from: { status: 'new', owner: null }, to: { status: 'in-work', owner: { login, name } }, migrated: true };
    run(db, "INSERT INTO problem_events (problem_id, rev, at, login, name, kind, data) VALUES (?, 2, ?, ?, ?, 'state', ?)", [
      m.problem_id,
      m.mark_at,
      login,
      name,
      JSON.stringify(data),
    ]);
  }
}
