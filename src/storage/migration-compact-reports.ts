import type { Database } from 'sql.js';
import { TIME_GLOB, ZIP_GLOB, uidKeySql, uidTextSql } from './compact-values';
import { all, run } from './sql';

/**
 * Migration 18: smaller report rows, the database being held in memory whole.
 * - The user and environment columns, a handful of combinations over a whole installation,
 *   move to report_envs (storage/report-envs-repo.ts); a report keeps env_id. The search
 *   view report_doc reads the user from there.
 * - report_uids is keyed by the same 16 bytes (column key; uid generated from it).
 * - uid and zip_name are kept as 16 bytes, received_at and time as milliseconds, when they
 *   have the canonical shape (storage/compact-values.ts), in uid_own, zip_own, received_own and
 *   time_own; `uid`, `zip_name`, `received_at` and `time` become virtual generated columns
 *   giving back the same text, so every reader stays as it was.
 * SQLite cannot change columns in place: the table is rebuilt (copy, drop, create, copy back),
 * with its indexes and triggers re-created from their own stored definitions — whoever
 * added them — and the report ids kept, so the search index (docid = report id) and every
 * reference stay valid.
 */
const EXPECTED = [
  'id', 'error_id', 'uid', 'received_at', 'time', 'count', 'client_id', 'groupable', 'has_files', 'user_name', 'ip',
  'app_version', 'app_name', 'platform_type', 'server_type', 'server_version', 'data_separation', 'dbms', 'change_enabled',
  'user_agent', 'descriptions', 'zip_name', 'zip_size', 'additional_info', 'last_day', 'has_screenshot', 'crashed',
];

/** The key of report_envs, of the old row's columns (qualified: inside a subquery of report_envs they would be its own). */
const ENV = `json_array(reports.user_name, reports.app_version, reports.app_name, reports.platform_type, reports.server_type, reports.server_version,
  reports.data_separation, reports.dbms, reports.change_enabled, reports.user_agent)`;


/** Milliseconds of a canonical ISO time that comes back as the same text (not a 61st second, say), else the text. */
const MS_OF = (col: string) => `CAST(round(unixepoch(${col}, 'subsec') * 1000) AS INTEGER)`;
const MS = (col: string) =>
  `CASE WHEN ${col} GLOB :time AND ${col} >= '1970' AND strftime('%Y-%m-%dT%H:%M:%fZ', ${MS_OF(col)} / 1000.0, 'unixepoch') = ${col} THEN ${MS_OF(col)} ELSE ${col} END`;
const ISO = (col: string) => `CASE WHEN typeof(${col}) = 'integer' THEN strftime('%Y-%m-%dT%H:%M:%fZ', ${col} / 1000.0, 'unixepoch') ELSE ${col} END`;

export function compactReports(db: Database): void {
  // A column added to reports by a later-merged migration before this one would be lost by
  // the copy below: refuse loudly instead (this list must then be extended).
  const columns = all<{ name: string }>(db, "SELECT name FROM pragma_table_xinfo('reports')").map((c) => c.name);
  if (columns.join() !== EXPECTED.join()) throw new Error(`migration 18: unexpected columns of reports: ${columns.join(', ')}`);
  // Indexes and triggers of reports as SQLite stored them (constant text of the schema itself).
  const dependents = all<{ sql: string }>(
    db,
    "SELECT sql FROM sqlite_schema WHERE tbl_name IN ('reports', 'report_uids') AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
  );
  db.exec(`
    CREATE TABLE report_envs (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,          -- JSON array of the values below, looked up at intake
      user_name TEXT,
      app_version TEXT,
      app_name TEXT,
      platform_type TEXT,
      server_type TEXT,
      server_version TEXT,
      data_separation TEXT,
      dbms TEXT,
      change_enabled INTEGER,
      user_agent TEXT
    );
    INSERT OR IGNORE INTO report_envs (key, user_name, app_version, app_name, platform_type, server_type, server_version, data_separation, dbms, change_enabled, user_agent)
      SELECT DISTINCT ${ENV}, user_name, app_version, app_name, platform_type, server_type, server_version, data_separation, dbms, change_enabled, user_agent FROM reports;

    -- The converted rows wait in a temporary table (a MEMFS file, freed afterwards) while the
    -- old table goes: the new one then fills the old one's pages instead of growing the
    -- database (which is held in memory) by its own size.
    -- Columns without a type: no affinity turns a number or bytes into text on the way.
    CREATE TEMP TABLE reports_compact (id, error_id, uid_own, received_own, time_own, count, client_id, groupable, has_files, ip, env_id,
      descriptions, zip_own, zip_size, additional_info, last_day, has_screenshot, crashed);
  `);
  run(
    db,
    `INSERT INTO temp.reports_compact (id, error_id, uid_own, received_own, time_own, count, client_id, groupable, has_files, ip, env_id,
       descriptions, zip_own, zip_size, additional_info, last_day, has_screenshot, crashed)
     SELECT id, error_id, ${uidKeySql('uid')}, ${MS('received_at')}, ${MS('time')}, count, client_id, groupable,
       has_files, ip, (SELECT e.id FROM report_envs e WHERE e.key = ${ENV}), descriptions,
       CASE WHEN zip_name GLOB :zip THEN unhex(substr(zip_name, 1, 32)) ELSE zip_name END, zip_size, additional_info, last_day, has_screenshot, crashed
     FROM main.reports ORDER BY id`,
    { ':zip': ZIP_GLOB, ':time': TIME_GLOB },
  );
  db.exec(`
    DROP TABLE main.reports;
    CREATE TABLE main.reports (
      id INTEGER PRIMARY KEY,
      error_id INTEGER NOT NULL REFERENCES errors (id),
      -- Declared BLOB: no affinity ("ANY" would be NUMERIC and turn a text uid "12345" into a number).
      uid_own BLOB,                      -- 16 bytes for a canonical UUID, else the text (compact-values.ts)
      -- INTEGER affinity: sql.js binds a number above 2^31 as a double; this stores it as the
      -- integer it is (6 bytes, not 8). A text kept here is never numeric (a time that
      -- toISOString gave but this column cannot hold, or an odd one of an older version).
      received_own INTEGER NOT NULL,     -- milliseconds for a canonical ISO time, else the text
      time_own INTEGER NOT NULL,
      count INTEGER NOT NULL DEFAULT 1,
      client_id TEXT,
      groupable INTEGER NOT NULL,
      has_files INTEGER NOT NULL,
      ip TEXT,
      env_id INTEGER NOT NULL,           -- report_envs
      descriptions TEXT NOT NULL DEFAULT '[]',
      zip_own BLOB NOT NULL,             -- 16 bytes for a generated name, else the text
      zip_size INTEGER NOT NULL,
      additional_info TEXT,
      last_day INTEGER,
      has_screenshot INTEGER,
      crashed INTEGER,
      uid TEXT GENERATED ALWAYS AS (${uidTextSql('uid_own')}) VIRTUAL,
      zip_name TEXT GENERATED ALWAYS AS (CASE WHEN typeof(zip_own) = 'blob' THEN lower(hex(zip_own)) || '.zip' ELSE zip_own END) VIRTUAL,
      received_at TEXT GENERATED ALWAYS AS (${ISO('received_own')}) VIRTUAL,
      time TEXT GENERATED ALWAYS AS (${ISO('time_own')}) VIRTUAL
    );
    INSERT INTO main.reports (id, error_id, uid_own, received_own, time_own, count, client_id, groupable, has_files, ip, env_id,
       descriptions, zip_own, zip_size, additional_info, last_day, has_screenshot, crashed)
      SELECT id, error_id, uid_own, received_own, time_own, count, client_id, groupable, has_files, ip, env_id,
       descriptions, zip_own, zip_size, additional_info, last_day, has_screenshot, crashed FROM temp.reports_compact ORDER BY id;
    DROP TABLE temp.reports_compact;

    -- Every report id ever accepted, keyed by its stored form; uid gives the text back.
    CREATE TEMP TABLE uids_compact (key, report_id);
    INSERT INTO temp.uids_compact SELECT ${uidKeySql('uid')}, report_id FROM main.report_uids;
    DROP TABLE main.report_uids;
    CREATE TABLE main.report_uids (
      key BLOB PRIMARY KEY,              -- 16 bytes for a canonical UUID, else the text (compact-values.ts)
      report_id INTEGER NOT NULL,
      uid TEXT GENERATED ALWAYS AS (${uidTextSql('key')}) VIRTUAL
    ) WITHOUT ROWID;
    INSERT INTO main.report_uids (key, report_id) SELECT key, report_id FROM temp.uids_compact ORDER BY key;
    DROP TABLE temp.uids_compact;
  `);
  for (const d of dependents) db.exec(d.sql);
  // The search index reads its documents from this view (content="report_doc"; migration 14 limits it to the indexed reports): same columns and rows, the user now joined.
  db.exec(`
    DROP VIEW report_doc;
    CREATE VIEW report_doc AS
      SELECT reports.id AS rowid, reports.id AS id, report_envs.user_name AS user_name,
             (SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(descriptions)) AS descriptions,
             additional_info, client_id
        FROM reports LEFT JOIN report_envs ON report_envs.id = reports.env_id
       WHERE reports.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto');
  `);
}
