import type { Database } from 'sql.js';
import type { ErrorKey } from '../registry/error-key';
import type { ReportFacts } from '../registry/report-facts';
import { compactTime, compactUid, compactZipName } from './compact-values';
import { envIdOf } from './report-envs-repo';
import { all, get, run, v } from './sql';

/** SQL of the intake path. Plain objects in, plain objects out; no rules here. */

/**
 * The next number of an error or report: above every existing one and above the highest
 * ever removed (migration 11 keeps it), so a number is never given twice. Constant SQL.
 */
const NEXT_ERROR_ID = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM errors), 0),
  COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'errors_high_water'), 0)) + 1)`;
const NEXT_REPORT_ID = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM reports), 0),
  COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'reports_high_water'), 0)) + 1)`;

/** A known error of this key, its problem and whether that problem takes no more reports ("больше не принимать"). */
export interface KnownError {
  id: number;
  problem_id: number | null;
  /** 1: status wontfix with no_more_reports. */
  no_more: number;
}

/**
 * The error of a key with what intake needs of its problem: one lookup where there were
 * three, from indexes only: the error's key and problem (migration 22), and "no more reports"
 * from the small index of such problems (migration 20), not from the problem's row, which
 * every report rewrites.
 */
export function findErrorOfKey(db: Database, keyHash: string): KnownError | undefined {
  return get<KnownError>(
    db,
    `SELECT e.id, e.problem_id, EXISTS (SELECT 1 FROM problems p INDEXED BY problems_taking_no_more
         WHERE p.id = e.problem_id AND p.status = 'wontfix' AND p.no_more_reports = 1) AS no_more
       FROM errors e INDEXED BY errors_by_key_problem WHERE e.key_hash = ?`,
    [keyHash],
  );
}

export function insertError(db: Database, key: ErrorKey, time: string): number {
  return get<{ id: number }>(
    db,
    `INSERT INTO errors (id, key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen)
     VALUES (${NEXT_ERROR_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [key.hash, key.configName, key.configVersion, JSON.stringify(key.extensions), JSON.stringify(key.texts), key.stackHash, v(key.detailed), time, time],
  )!.id;
}

/** One more accepted report of this error; `newComputer` when its clientID is new to it. */
export function countReport(db: Database, errorId: number, time: string, newComputer: boolean): void {
  run(
    db,
    `UPDATE errors SET reports_total = reports_total + 1, computers = computers + ?,
       last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END WHERE id = ?`,
    [newComputer ? 1 : 0, time, time, errorId],
  );
}

/** The per-day counters of an error (registry/days.ts says which day and when a computer counts). */
export function countDay(db: Database, errorId: number, day: string, addsComputer: boolean): void {
  run(
    db,
    `INSERT INTO error_days (error_id, day, reports, computers) VALUES (?, ?, 1, ?)
       ON CONFLICT (error_id, day) DO UPDATE SET reports = reports + 1, computers = computers + excluded.computers`,
    [errorId, day, addsComputer ? 1 : 0],
  );
}

export function isUidKnown(db: Database, uid: string): boolean {
  return get(db, 'SELECT 1 AS x FROM report_uids WHERE key = ?', [compactUid(uid)]) !== undefined;
}

export function rememberUid(db: Database, uid: string, reportId: number): void {
  run(db, 'INSERT OR IGNORE INTO report_uids (key, report_id) VALUES (?, ?)', [compactUid(uid), reportId]);
}

export interface GroupTarget {
  id: number;
  descriptions: string;
  /** The Moscow day number it was last received (null for rows of earlier versions). */
  last_day: number | null;
}

/**
 * What this error has from this computer: `seen` when any report of it came from there,
 * `target` its groupable report (at most one: migration 4's unique index). One statement
 * over the two indexes by computer (migration 15), the groupable one first (the other only
 * answers "seen", from its index alone); no ORDER BY,
 * which costs SQLite a sorter per call, several times the lookup itself.
 */
export function findComputerReport(db: Database, errorId: number, clientId: string): { seen: boolean; target?: GroupTarget } {
  const row = get<GroupTarget & { groupable: number }>(
    db,
    `SELECT id, descriptions, last_day, 1 AS groupable FROM reports WHERE error_id = :e AND client_id = :c AND groupable = 1
     UNION ALL SELECT NULL, NULL, NULL, 0 FROM reports WHERE error_id = :e AND client_id = :c AND groupable = 0 LIMIT 1`,
    { ':e': errorId, ':c': clientId },
  );
  if (!row) return { seen: false };
  return row.groupable === 1 ? { seen: true, target: { id: row.id, descriptions: row.descriptions, last_day: row.last_day } } : { seen: true };
}

/** A repeat from the same computer: count up, take its time, add its description. */
/** `keep`: how many descriptions the row keeps, the newest (registry/limits.ts). */
export function foldIntoReport(db: Database, target: GroupTarget, time: string, description: string | undefined, day: number, keep: number): void {
  // Only the newest descriptions stay in the row (all of them are in the zips).
  const descriptions = description
    ? JSON.stringify([...parseList(target.descriptions), [time, description]].slice(-keep))
    : target.descriptions;
  // Only a new description touches the column the search index follows (its triggers).
  const at = compactTime(time);
  if (description) run(db, 'UPDATE reports SET count = count + 1, time_own = ?, descriptions = ?, last_day = ? WHERE id = ?', [at, descriptions, day, target.id]);
  else run(db, 'UPDATE reports SET count = count + 1, time_own = ?, last_day = ? WHERE id = ?', [at, day, target.id]);
}

export interface NewReportRow {
  errorId: number;
  /** The Moscow day number of receipt (registry/days.ts). */
  day?: number;
  facts: ReportFacts;
  groupable: boolean;
  ip: string | undefined;
  receivedAt: string;
  zipName: string;
  zipSize: number;
}

export function insertReport(db: Database, r: NewReportRow): number {
  const f = r.facts;
  const descriptions = JSON.stringify(f.userDescription ? [[f.time, f.userDescription]] : []);
  return get<{ id: number }>(
    db,
    `INSERT INTO reports (id, error_id, uid_own, received_own, time_own, client_id, groupable, has_files, ip, env_id, descriptions,
       zip_own, zip_size, additional_info, last_day, has_screenshot, crashed)
     VALUES (${NEXT_REPORT_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      r.errorId, compactUid(f.uid), compactTime(r.receivedAt), compactTime(f.time), v(f.clientId), v(r.groupable), v(f.hasFiles), v(r.ip),
      envIdOf(db, f), descriptions, compactZipName(r.zipName), r.zipSize, v(f.additionalInfo), v(r.day), v(f.hasScreenshot), v(f.crashed),
    ],
  )!.id;
}

export function enqueueNotice(db: Database, errorId: number, configName: string, at: string): void {
  run(db, 'INSERT INTO notices (error_id, config_name, created_at, next_attempt_at) VALUES (?, ?, ?, ?)', [errorId, configName, at, at]);
}

/**
 * Tells whether a zip name is referenced by a row. Start-up asks this only for files left
 * in incoming/, which belong to the newest rows: those are looked up in a set of recent
 * names; anything else falls back to a scan (rare: no index on zip_name to keep rows small).
 */
export function zipReferenceChecker(db: Database, recent = 100_000): (zipName: string) => boolean {
  // Built on the first question only: after a clean stop incoming/ is empty, and reading
  // 100k names added a third of a second to every start.
  let names: Set<string> | undefined;
  return (zipName) => {
    names ??= new Set(all<{ zip_name: string }>(db, 'SELECT zip_name FROM reports ORDER BY id DESC LIMIT ?', [recent]).map((r) => r.zip_name));
    return names.has(zipName) || get(db, 'SELECT 1 AS x FROM reports WHERE zip_name = ? LIMIT 1', [zipName]) !== undefined;
  };
}

function parseList(json: string): unknown[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
