import type { Database } from 'sql.js';
import { compactReports } from './migration-compact-reports';
import { addProblems } from './migration-problems';
import { UUID_GLOB } from './compact-values';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

/**
 * The schema, one migration per version (PRAGMA user_version). Never edit a released
 * migration: add the next one.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'errors, reports, report ids, notices, pending zip deletions',
    up(db) {
      db.exec(`
        CREATE TABLE errors (
          id INTEGER PRIMARY KEY,
          key_hash TEXT NOT NULL UNIQUE,
          config_name TEXT NOT NULL,
          config_version TEXT NOT NULL,
          extensions TEXT NOT NULL,          -- JSON [[name, hash], ...], sorted
          texts TEXT NOT NULL,               -- JSON [text, ...], outermost first
          stack_hash TEXT NOT NULL,
          detailed INTEGER NOT NULL,         -- 0: the report had no applicationErrorInfo
          first_seen TEXT NOT NULL,
          last_seen TEXT NOT NULL,
          reports_total INTEGER NOT NULL DEFAULT 0,   -- every accepted report, repeats included
          computers INTEGER NOT NULL DEFAULT 0,       -- distinct clientIDs
          mark_login TEXT,
          mark_name TEXT,
          mark_at TEXT
        );
        CREATE INDEX errors_by_config ON errors (config_name, config_version, id);

        CREATE TABLE reports (
          id INTEGER PRIMARY KEY,
          error_id INTEGER NOT NULL REFERENCES errors (id),
          uid TEXT,
          received_at TEXT NOT NULL,
          time TEXT NOT NULL,
          count INTEGER NOT NULL DEFAULT 1,
          client_id TEXT,
          groupable INTEGER NOT NULL,
          has_files INTEGER NOT NULL,
          user_name TEXT,
          ip TEXT,
          app_version TEXT,
          app_name TEXT,
          platform_type TEXT,
          server_type TEXT,
          server_version TEXT,
          data_separation TEXT,
          dbms TEXT,
          change_enabled INTEGER,
          user_agent TEXT,
          descriptions TEXT NOT NULL DEFAULT '[]',   -- JSON [[time, text], ...]
          zip_name TEXT NOT NULL,
          zip_size INTEGER NOT NULL
        );
        CREATE INDEX reports_by_error ON reports (error_id, id);
        CREATE INDEX reports_by_computer ON reports (error_id, client_id, groupable) WHERE client_id IS NOT NULL;

        -- Every report id ever accepted, folded repeats included: the same id counts once.
        CREATE TABLE report_uids (
          uid TEXT PRIMARY KEY,
          report_id INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE notices (
          id INTEGER PRIMARY KEY,
          error_id INTEGER NOT NULL,
          config_name TEXT NOT NULL,
          created_at TEXT NOT NULL,
          sent_at TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          last_error TEXT
        );
        CREATE INDEX notices_pending ON notices (next_attempt_at) WHERE sent_at IS NULL;

        -- Zips whose rows are gone but whose files may not be: finished at start-up.
        CREATE TABLE pending_deletes (zip_name TEXT PRIMARY KEY) WITHOUT ROWID;

        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'indexes for the errors list filtered by configuration or by version alone',
    up(db) {
      // errors_by_config (name, version, id) serves the list filtered by both; filtered by
      // one of them, only these keep "newest first" an index walk instead of a sort.
      db.exec(`
        CREATE INDEX errors_by_config_id ON errors (config_name, id);
        CREATE INDEX errors_by_version ON errors (config_version, id);
      `);
    },
  },
  {
    version: 3,
    description: 'stored reports are re-examined once for attached files that additionalFiles did not list',
    up(db) {
      // The zips are read by a background pass after start-up (registry/attachments-rescan.ts);
      // the migration only leaves it its cursor.
      // A database with no reports yet (a new installation) has nothing to re-examine.
      db.exec(`INSERT OR REPLACE INTO meta (key, value) SELECT 'rescan_attachments_after', '0' WHERE EXISTS (SELECT 1 FROM reports)`);
    },
  },
  {
    version: 4,
    description: 'at most one groupable report per error and computer, enforced by a unique index',
    up(db) {
      // The fold rule folds a repeat into THE groupable report of its error and computer;
      // two of them would make the choice arbitrary. Should an older database hold more than
      // one, the oldest stays groupable and the others keep their rows as ordinary reports.
      db.exec(`
        UPDATE reports SET groupable = 0
         WHERE groupable = 1
           AND id NOT IN (SELECT MIN(id) FROM reports WHERE groupable = 1 GROUP BY error_id, client_id);
        CREATE UNIQUE INDEX reports_groupable_once ON reports (error_id, client_id) WHERE groupable = 1;
      `);
    },
  },
  {
    version: 5,
    description: 'search (FTS4, unicode61) over error texts and stack hashes, and over reports: user, descriptions, additionalInfo, computer; per-day counts of reports and computers',
    up(db) {
      // External-content FTS4 over views: the index alone is stored (the database lives in
      // memory), the text is read from the rows, and description texts come out of their
      // JSON so that a line break or a quote never glues two words. Triggers keep the index
      // in step with every insert, fold and delete, whoever makes it (intake, clear,
      // retention); a delete must reach the index before the row goes, hence BEFORE.
      db.exec(`
        ALTER TABLE reports ADD COLUMN additional_info TEXT;
        -- The Moscow day number (registry/days.ts) the report was last received: a fold
        -- counts its computer again on a later day.
        ALTER TABLE reports ADD COLUMN last_day INTEGER;

        CREATE VIEW error_doc AS
          SELECT id AS rowid, id, (SELECT group_concat(value, ' ') FROM json_each(texts)) AS texts, stack_hash FROM errors;
        CREATE VIRTUAL TABLE error_search USING fts4(content="error_doc", texts, stack_hash, matchinfo=fts3, tokenize=unicode61);
        CREATE TRIGGER error_search_insert AFTER INSERT ON errors BEGIN
          INSERT INTO error_search (docid, texts, stack_hash) SELECT rowid, texts, stack_hash FROM error_doc WHERE rowid = new.id;
        END;
        CREATE TRIGGER error_search_delete BEFORE DELETE ON errors BEGIN
          DELETE FROM error_search WHERE docid = old.id;
        END;

        CREATE VIEW report_doc AS
          SELECT id AS rowid, id, user_name,
                 (SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(descriptions)) AS descriptions,
                 additional_info, client_id
            FROM reports;
        CREATE VIRTUAL TABLE report_search USING fts4(content="report_doc", user_name, descriptions, additional_info, client_id, matchinfo=fts3, tokenize=unicode61);
        CREATE TRIGGER report_search_insert AFTER INSERT ON reports BEGIN
          INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id)
            SELECT rowid, user_name, descriptions, additional_info, client_id FROM report_doc WHERE rowid = new.id;
        END;
        CREATE TRIGGER report_search_delete BEFORE DELETE ON reports BEGIN
          DELETE FROM report_search WHERE docid = old.id;
        END;
        CREATE TRIGGER report_search_unfold BEFORE UPDATE OF descriptions ON reports BEGIN
          DELETE FROM report_search WHERE docid = old.id;
        END;
        CREATE TRIGGER report_search_refold AFTER UPDATE OF descriptions ON reports BEGIN
          INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id)
            SELECT rowid, user_name, descriptions, additional_info, client_id FROM report_doc WHERE rowid = new.id;
        END;

        INSERT INTO error_search (docid, texts, stack_hash) SELECT rowid, texts, stack_hash FROM error_doc;
        INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id)
          SELECT rowid, user_name, descriptions, additional_info, client_id FROM report_doc;

        -- Reports and computers per error and Moscow day (registry/days.ts). Rows of
        -- earlier versions count on the day pult received them; a folded repeat's own
        -- days are not known, so its count goes to its report's day.
        CREATE TABLE error_days (
          error_id INTEGER NOT NULL,
          day TEXT NOT NULL,
          reports INTEGER NOT NULL,
          computers INTEGER NOT NULL,
          PRIMARY KEY (error_id, day)
        ) WITHOUT ROWID;
        CREATE INDEX error_days_by_day ON error_days (day, error_id);
        -- An error that goes (clear) takes its days along; retention keeps errors and their days.
        CREATE TRIGGER error_days_delete BEFORE DELETE ON errors BEGIN
          DELETE FROM error_days WHERE error_id = old.id;
        END;
        INSERT INTO error_days (error_id, day, reports, computers)
          SELECT error_id, date(received_at, '+3 hours'), SUM(count), COUNT(DISTINCT client_id)
            FROM reports GROUP BY error_id, date(received_at, '+3 hours');
      `);
    },
  },
  {
    version: 6,
    description: 'when each configuration was last mailed, so the mail interval survives a restart',
    up(db) {
      db.exec('CREATE TABLE mailed (config_name TEXT PRIMARY KEY, sent_at TEXT NOT NULL) WITHOUT ROWID;');
    },
  },
  {
    version: 7,
    description: 'report flags for the reports table: screenshot, crash',
    up(db) {
      // NULL for reports stored before: unknown (their zips still tell, on the report page).
      // Set at intake from what it reads anyway, so the table needs no zip per row.
      db.exec(`
        ALTER TABLE reports ADD COLUMN has_screenshot INTEGER;
        ALTER TABLE reports ADD COLUMN crashed INTEGER;
      `);
    },
  },
  {
    version: 8,
    description: 'background jobs (clear, retention) that survive a restart',
    up(db) {
      // One row per running job; its batches advance `cursor` in the same transaction as
      // their deletions, so a restart resumes exactly after the last durable batch.
      db.exec(`
        CREATE TABLE jobs (
          kind TEXT PRIMARY KEY,              -- 'clear' | 'retention': at most one of each
          plan TEXT NOT NULL,                 -- JSON, fixed when the job was started
          phase INTEGER NOT NULL DEFAULT 0,   -- step of the plan (clear: index of the group)
          cursor INTEGER NOT NULL DEFAULT 0,  -- last id done within the phase
          text_cursor TEXT NOT NULL DEFAULT '', -- last report uid done (the sweep of report_uids)
          started_at TEXT NOT NULL,
          total INTEGER NOT NULL DEFAULT 0,   -- reports expected, for the progress bar (0: unknown)
          errors INTEGER NOT NULL DEFAULT 0,
          reports INTEGER NOT NULL DEFAULT 0,
          bytes INTEGER NOT NULL DEFAULT 0,
          busy_ms INTEGER NOT NULL DEFAULT 0  -- time spent in batches
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 9,
    description: 'problems above unique errors: state with a revision, history, comments; old marks become "в работе"',
    up: addProblems,
  },
  {
    version: 10,
    description: 'dead columns of notices dropped: sent_at (a sent notice is deleted, never marked) and last_error (the log has it)',
    up(db) {
      db.exec(`
        DROP INDEX notices_pending;
        ALTER TABLE notices DROP COLUMN sent_at;
        ALTER TABLE notices DROP COLUMN last_error;
        CREATE INDEX notices_pending ON notices (next_attempt_at);
      `);
    },
  },
  {
    version: 11,
    description: 'numbers of errors and reports are never given twice: the highest removed one is remembered',
    up(db) {
      // Ids are plain rowids: removing the newest error (clear) would hand its number to the
      // next new error, and a link in an old mail would open a different one. The highest id
      // ever removed is kept in meta; inserts take the next number above both (registry-repo).
      db.exec(`
        INSERT OR IGNORE INTO meta (key, value) SELECT 'errors_high_water', COALESCE(MAX(id), 0) FROM errors;
        INSERT OR IGNORE INTO meta (key, value) SELECT 'reports_high_water', COALESCE(MAX(id), 0) FROM reports;
        CREATE TRIGGER errors_high_water BEFORE DELETE ON errors BEGIN
          UPDATE meta SET value = MAX(CAST(value AS INTEGER), old.id) WHERE key = 'errors_high_water';
        END;
        CREATE TRIGGER reports_high_water BEFORE DELETE ON reports BEGIN
          UPDATE meta SET value = MAX(CAST(value AS INTEGER), old.id) WHERE key = 'reports_high_water';
        END;
      `);
    },
  },
  {
    version: 12,
    description: 'getInfo answers by problem: stack-hash lookup, "больше не принимать", occurrences without a report',
    up(db) {
      // getInfo finds the problems of (configuration, appStackHash) by this index alone.
      // Occurrences not uploaded (getInfo told "no", or a forced upload not stored) per
      // problem, Moscow day and version; the total beside the problem for the pages.
      db.exec(`
        CREATE INDEX errors_by_config_stack ON errors (config_name, stack_hash, problem_id);
        ALTER TABLE problems ADD COLUMN no_more_reports INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE problems ADD COLUMN unasked_total INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE problem_unasked (
          problem_id INTEGER NOT NULL,
          day TEXT NOT NULL,
          version TEXT NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (problem_id, day, version)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 13,
    description: 'the problem list sorted by last/first seen, reports, computers, users: one index per order',
    up(db) {
      // Each sort of s/errorsList walks its own index in order and stops after a page
      // (storage/problem-list-repo.ts); the id makes the order total for keyset paging.
      db.exec(`
        CREATE INDEX problems_by_last ON problems (last_seen, id);
        CREATE INDEX problems_by_first ON problems (first_seen, id);
        CREATE INDEX problems_by_reports ON problems (reports_total, id);
        CREATE INDEX problems_by_computers ON problems (computers, id);
        CREATE INDEX problems_by_users ON problems (users, id);
      `);
    },
  },
  {
    version: 14,
    description: 'the search index of reports and the sort keys of the problem list are brought up to date in batches, not by every report',
    up(db) {
      // A report's search words and its problem's place in the sorted lists cost a third of
      // intake's SQL time when written with the report (FTS4 segments, four index moves). They
      // are derived data: registry/deferred-indexes.ts writes them in batches a moment later,
      // and before any list or search reads them. report_search holds exactly the reports up
      // to meta 'report_search_upto'; the triggers touch the index only for those.
      db.exec(`
        INSERT OR REPLACE INTO meta (key, value) SELECT 'report_search_upto', COALESCE(MAX(id), 0) FROM reports;
        -- The index's content is the reports up to the mark, so that the index and its content
        -- agree at every commit (PRAGMA integrity_check reads both).
        DROP VIEW report_doc;
        CREATE VIEW report_doc AS
          SELECT id AS rowid, id, user_name,
                 (SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(descriptions)) AS descriptions,
                 additional_info, client_id
            FROM reports WHERE id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto');
        DROP TRIGGER report_search_insert;
        DROP TRIGGER report_search_delete;
        DROP TRIGGER report_search_unfold;
        DROP TRIGGER report_search_refold;
        CREATE TRIGGER report_search_delete BEFORE DELETE ON reports
          WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto') BEGIN
          DELETE FROM report_search WHERE docid = old.id;
        END;
        CREATE TRIGGER report_search_unfold BEFORE UPDATE OF descriptions ON reports
          WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto') BEGIN
          DELETE FROM report_search WHERE docid = old.id;
        END;
        CREATE TRIGGER report_search_refold AFTER UPDATE OF descriptions ON reports
          WHEN new.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto') BEGIN
          INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id)
            SELECT rowid, user_name, descriptions, additional_info, client_id FROM report_doc WHERE rowid = new.id;
        END;

        -- The list's order: copies of the counters, refreshed in batches (sort = live after a refresh).
        ALTER TABLE problems ADD COLUMN sort_last TEXT NOT NULL DEFAULT '';
        ALTER TABLE problems ADD COLUMN sort_reports INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE problems ADD COLUMN sort_computers INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE problems ADD COLUMN sort_users INTEGER NOT NULL DEFAULT 0;
        UPDATE problems SET sort_last = last_seen, sort_reports = reports_total, sort_computers = computers, sort_users = users;
        DROP INDEX problems_by_last;
        DROP INDEX problems_by_reports;
        DROP INDEX problems_by_computers;
        DROP INDEX problems_by_users;
        CREATE INDEX problems_by_last ON problems (sort_last, id);
        CREATE INDEX problems_by_reports ON problems (sort_reports, id);
        CREATE INDEX problems_by_computers ON problems (sort_computers, id);
        CREATE INDEX problems_by_users ON problems (sort_users, id);
      `);
    },
  },
  {
    version: 15,
    description: 'a report is in one of two indexes by computer: the groupable one (unique) or the others',
    up(db) {
      // reports_by_computer repeated, for every groupable report, what reports_groupable_once
      // (migration 4) holds: one index entry (a page of the journal) per report and ~7 % of
      // the database for nothing. The other reports — with files, without grouping — get
      // their own small index; "is this computer new to the error" asks both.
      db.exec(`
        DROP INDEX reports_by_computer;
        CREATE INDEX reports_by_computer_ungrouped ON reports (error_id, client_id) WHERE groupable = 0 AND client_id IS NOT NULL;
      `);
    },
  },
  {
    version: 16,
    description: 'the problem of an error by its id from a small index (the trend and the search read thousands of them)',
    up(db) {
      // An error row is half a kilobyte: reading problem_id for the 10k errors of the trend
      // window (or checking 5000 search hits) touched a page each. This index holds two
      // integers per error and changes only when an error is added, moved to another
      // problem or removed — never per report.
      db.exec(`CREATE INDEX errors_problem_by_id ON errors (id, problem_id);`);
    },
  },
  {
    version: 17,
    description: 'problem list filters: stored reports with a screenshot, attached files, a crash per problem; categories per unique error',
    up(db) {
      // Counts of STORED report rows with the flag (a folded repeat adds no row, so no count).
      // Intake adds to them in the UPDATE it already runs per report (problems-repo
      // countProblemReport); every removal of a row takes its share back by the trigger,
      // whoever removes it (clear, retention); the attachment rescan's late "has files" mark
      // adds by the second trigger. Before migration 7 rows had no screenshot/crash flag
      // (NULL): they count as without.
      db.exec(`
        ALTER TABLE problems ADD COLUMN screenshots INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE problems ADD COLUMN files INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE problems ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
        UPDATE problems SET
          screenshots = c.screenshots, files = c.files, crashes = c.crashes
          FROM (SELECT e.problem_id AS id, SUM(r.has_screenshot IS 1) AS screenshots, SUM(r.has_files IS 1) AS files, SUM(r.crashed IS 1) AS crashes
                  FROM reports r JOIN errors e ON e.id = r.error_id
                 WHERE r.has_screenshot IS 1 OR r.has_files IS 1 OR r.crashed IS 1
                 GROUP BY e.problem_id) AS c
         WHERE problems.id = c.id;
        -- A rare flag's few problems, for the list to start from (storage/problem-list-repo.ts).
        CREATE INDEX problems_with_screenshots ON problems (id) WHERE screenshots > 0;
        CREATE INDEX problems_with_files ON problems (id) WHERE files > 0;
        CREATE INDEX problems_with_crashes ON problems (id) WHERE crashes > 0;
        CREATE TRIGGER problem_flags_delete BEFORE DELETE ON reports
          WHEN old.has_screenshot IS 1 OR old.has_files IS 1 OR old.crashed IS 1 BEGIN
          UPDATE problems SET screenshots = screenshots - (old.has_screenshot IS 1), files = files - (old.has_files IS 1), crashes = crashes - (old.crashed IS 1)
           WHERE id = (SELECT problem_id FROM errors WHERE id = old.error_id);
        END;
        CREATE TRIGGER problem_files_mark AFTER UPDATE OF has_files ON reports
          WHEN (old.has_files IS 1) <> (new.has_files IS 1) BEGIN
          UPDATE problems SET files = files + (new.has_files IS 1) - (old.has_files IS 1)
           WHERE id = (SELECT problem_id FROM errors WHERE id = new.error_id);
        END;

        -- The categories of a unique error's chain (applicationErrorInfo.errors[].categories),
        -- stored when the error is first seen; keyed by category for the filter.
        CREATE TABLE error_categories (
          category TEXT NOT NULL,
          error_id INTEGER NOT NULL,
          PRIMARY KEY (category, error_id)
        ) WITHOUT ROWID;
        CREATE INDEX error_categories_by_error ON error_categories (error_id);
        CREATE TRIGGER error_categories_delete BEFORE DELETE ON errors BEGIN
          DELETE FROM error_categories WHERE error_id = old.id;
        END;
        -- Errors stored before have their categories only in their zips: a background pass
        -- reads one report.json per error (registry/category-backfill.ts) from this cursor.
        INSERT OR REPLACE INTO meta (key, value) SELECT 'backfill_categories_after', '0' WHERE EXISTS (SELECT 1 FROM errors);
      `);
    },
  },
  {
    version: 18,
    description: 'smaller report rows: the environment once in report_envs, uid and zip name as 16 bytes',
    up: compactReports,
  },
  {
    version: 19,
    description: 'the search index of reports in shards of 32,768 report numbers (FTS4 languageid), rebuilt in the background',
    up(db) {
      // FTS4 merges a word's whole list of reports in one step: a word in every report of a
      // million (a user, a common phrase) held the event loop 130–330 ms in a merge step.
      // Each shard (report id >> 15, storage/search-repo.ts) has segments and word lists of
      // its own, so a step handles at most one shard's share of a word. The index is rebuilt
      // from the mark 0 by registry/deferred-indexes.ts in batches, the loop free between
      // them; the view shows only reports below the mark, so index and content agree at
      // every commit meanwhile.
      db.exec(`
        DROP TABLE report_search;
        DROP VIEW report_doc;
        UPDATE meta SET value = '0' WHERE key = 'report_search_upto';
        CREATE VIEW report_doc AS
          SELECT reports.id AS rowid, reports.id AS id, report_envs.user_name AS user_name,
                 (SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(descriptions)) AS descriptions,
                 additional_info, client_id, reports.id >> 15 AS shard
            FROM reports LEFT JOIN report_envs ON report_envs.id = reports.env_id
           WHERE reports.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto');
        CREATE VIRTUAL TABLE report_search USING fts4(content="report_doc", user_name, descriptions, additional_info, client_id,
          languageid="shard", matchinfo=fts3, tokenize=unicode61);
        DROP TRIGGER report_search_refold;
        CREATE TRIGGER report_search_refold AFTER UPDATE OF descriptions ON reports
          WHEN new.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto') BEGIN
          INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id, shard)
            SELECT rowid, user_name, descriptions, additional_info, client_id, shard FROM report_doc WHERE rowid = new.id;
        END;
      `);
    },
  },
  {
    version: 20,
    description: 'the problems that take no more reports in an index of their own, for intake’s lookup',
    up(db) {
      // Intake asks of every report whether its problem is "не исправлять, больше не
      // принимать". Read from the problem's row (a join) it cost 60 µs of a 100 µs lookup
      // between writes; this index holds only those few problems and stays in the cache.
      db.exec(`CREATE INDEX problems_taking_no_more ON problems (id) WHERE status = 'wontfix' AND no_more_reports = 1;`);
    },
  },
  {
    version: 21,
    description: 'the search index of error texts in shards of 32,768 error numbers, as the reports’ (migration 19)',
    up(db) {
      // A word in the texts of all 100k errors held the loop 66 ms in one merge step of a
      // background clear. Rebuilt here at once (2.6 s at 100k errors): new errors are indexed
      // by their trigger, so there is no batch to leave it to.
      db.exec(`
        DROP TABLE error_search;
        DROP VIEW error_doc;
        CREATE VIEW error_doc AS
          SELECT id AS rowid, id, (SELECT group_concat(value, ' ') FROM json_each(texts)) AS texts, stack_hash, id >> 15 AS shard FROM errors;
        CREATE VIRTUAL TABLE error_search USING fts4(content="error_doc", texts, stack_hash, languageid="shard", matchinfo=fts3, tokenize=unicode61);
        DROP TRIGGER error_search_insert;
        CREATE TRIGGER error_search_insert AFTER INSERT ON errors BEGIN
          INSERT INTO error_search (docid, texts, stack_hash, shard) SELECT rowid, texts, stack_hash, shard FROM error_doc WHERE rowid = new.id;
        END;
        INSERT INTO error_search (error_search) VALUES ('rebuild');
      `);
    },
  },
  {
    version: 22,
    description: 'intake’s two lookups per report from small indexes: the error of a key with its problem, and the problems fixed in a version',
    up(db) {
      // findErrorOfKey read the error's half-kilobyte row for its problem_id (twice per
      // report: the look and the write); this index answers it alone. The regression check
      // asks only whether the problem is "исправлена": the few such problems, by their own
      // index, instead of RETURNING the whole state from every report's counter update
      // (measured per report between writes: 26 → 20 µs and 19 → 10 µs).
      db.exec(`
        CREATE INDEX errors_by_key_problem ON errors (key_hash, problem_id);
        CREATE INDEX problems_fixed ON problems (id) WHERE status = 'fixed';
      `);
    },
  },
  {
    version: 23,
    description: 'a computer id (a UUID) is one word of the search index of reports, not five, from the first report not yet indexed on',
    up(db) {
      // Five random words per report were most of the words of report_search and of its
      // merging: indexing and merging 30,000 reports took 36 µs a report with the parts, 17
      // with one word (scratch benchmark, in memory). Reports indexed before keep their five
      // parts (the index must hold what the view shows, or a delete removes the wrong
      // words); the search looks for both forms (registry/search.ts). No rebuild.
      db.exec(`
        INSERT OR REPLACE INTO meta (key, value)
          SELECT 'report_search_uuid_from', CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'report_search_upto';
        DROP VIEW report_doc;
        CREATE VIEW report_doc AS
          SELECT reports.id AS rowid, reports.id AS id, report_envs.user_name AS user_name,
                 (SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(descriptions)) AS descriptions,
                 additional_info,
                 CASE WHEN reports.id >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_uuid_from')
                       AND lower(client_id) GLOB '${UUID_GLOB}' THEN lower(replace(client_id, '-', '')) ELSE client_id END AS client_id,
                 reports.id >> 15 AS shard
            FROM reports LEFT JOIN report_envs ON report_envs.id = reports.env_id
           WHERE reports.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'report_search_upto');
      `);
    },
  },
  {
    version: 24,
    description: "the list's orders by a counter are kept in memory (registry/list-orders.ts), not in copies of the counters with an index each",
    up(db) {
      // Every report rewrote a problem's row and moved four index entries in a batch: about
      // 20 µs a report at 100k reports (3 % of intake). The first-report order keeps its index.
      db.exec(`
        DROP INDEX problems_by_last;
        DROP INDEX problems_by_reports;
        DROP INDEX problems_by_computers;
        DROP INDEX problems_by_users;
        ALTER TABLE problems DROP COLUMN sort_last;
        ALTER TABLE problems DROP COLUMN sort_reports;
        ALTER TABLE problems DROP COLUMN sort_computers;
        ALTER TABLE problems DROP COLUMN sort_users;
      `);
    },
  },
  {
    version: 25,
    description: 'the search words of new errors in the batches behind a mark, as the reports’ (migration 14)',
    up(db) {
      // The insert trigger wrote a segment of error_search with every new error: a tenth of
      // intake's time for a new error (about 130 µs of 230). Now registry/deferred-indexes.ts
      // adds them in the batches with the reports' words, before any search reads the index;
      // the view shows only errors up to the mark, so index and content agree at every commit.
      // Everything up to now is indexed already: the mark starts at the last error.
      db.exec(`
        DROP TRIGGER error_search_insert;
        DROP TRIGGER error_search_delete;
        INSERT OR REPLACE INTO meta (key, value) VALUES ('error_search_upto', (SELECT COALESCE(MAX(id), 0) FROM errors));
        DROP VIEW error_doc;
        CREATE VIEW error_doc AS
          SELECT id AS rowid, id, (SELECT group_concat(value, ' ') FROM json_each(texts)) AS texts, stack_hash, id >> 15 AS shard FROM errors
           WHERE id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'error_search_upto');
        CREATE TRIGGER error_search_delete BEFORE DELETE ON errors
          WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'error_search_upto') BEGIN
          DELETE FROM error_search WHERE docid = old.id;
        END;
      `);
    },
  },
];
