import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from 'sql.js';
import type { ReportFacts } from '../../src/registry/report-facts';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { findReport, findReportFile, listReports } from '../../src/storage/pages-repo';
import { reportUidsAfter } from '../../src/storage/clear-repo';
import { insertReport, isUidKnown } from '../../src/storage/registry-repo';
import { errorsByText, indexNextReports } from '../../src/storage/search-repo';
import { all, run } from '../../src/storage/sql';
import { scratch } from './helpers';

const quiet = () => undefined;

const ENV_A = ['8.3.24.1548', '1CV8C', 'Windows_x86_64', 'Windows_x86_64', '8.3.24.1548', '', 'PostgreSQL', 0, null] as const;
const ENV_B = ['8.3.25.1000', 'WebClient', 'Linux_x86_64', null, null, null, null, null, 'Mozilla/5.0 «Яндекс»'] as const;

/** Old rows: canonical and odd uids, generated and odd zip names, two environments. */
const OLD_REPORTS = [
  { uid: '0f8fad5b-d9cb-469f-a165-70867728950e', zip: '7c9e6679742540de944be07fc1f90ae7.zip', env: ENV_A, pc: 'pc-1', user: 'Иванов', at: '2026-01-02T03:04:05.678Z', time: '2026-01-02T03:04:05.000Z' },
  { uid: '0F8FAD5B-D9CB-469F-A165-70867728950F', zip: 'old-name.zip', env: ENV_A, pc: 'pc-2', user: 'Петрова', at: '2026-01-01', time: '2026-01-02T03:04:60.000Z' },
  { uid: null, zip: '00000000000000000000000000000000.zip', env: ENV_B, pc: null, user: null, at: '1969-12-31T23:59:59.999Z', time: '1970-01-01T00:00:00.000Z' },
  { uid: '12345', zip: 'ABCDEF00000000000000000000000000.zip', env: ENV_B, pc: 'pc-3', user: 'Сидоров', at: '2026-02-30T00:00:00.000Z', time: '2026-12-31T23:59:59.999Z' },
];

const COLUMNS = `id, received_at, time, count, client_id, has_files, user_name, ip, app_version, app_name, platform_type, server_type,
  server_version, data_separation, dbms, change_enabled, user_agent, descriptions, zip_size, has_screenshot, crashed`;

/** What the pages read, by plain SQL of the old schema. */
function readOld(db: Database) {
  const rows = all<Record<string, unknown>>(db, `SELECT ${COLUMNS}, error_id, zip_name FROM reports ORDER BY id`).map((r) => ({ ...r }));
  return {
    pages: rows.map(({ error_id: _e, zip_name: _z, ...r }) => r).reverse(),
    one: rows,
    files: rows.map((r) => ({ error_id: r.error_id, zip_name: r.zip_name })),
    ids: all<{ uid: string | null; zip_name: string }>(db, 'SELECT uid, zip_name FROM reports ORDER BY id').map((r) => ({ ...r })),
    search: all<{ docid: number }>(db, "SELECT docid FROM report_search WHERE report_search MATCH 'Петрова'").map((r) => r.docid),
    uids: all<{ uid: string; report_id: number }>(db, 'SELECT uid, report_id FROM report_uids').map((r) => `${r.uid} ${r.report_id}`).sort(),
  };
}

/** The same through the repositories of the new schema. */
function readNew(db: Database) {
  return {
    pages: listReports(db, 1, { before: 1e9 }, 50).map((r) => ({ ...r })),
    one: OLD_REPORTS.map((_, i) => ({ ...findReport(db, i + 1)! })),
    files: OLD_REPORTS.map((_, i) => ({ ...findReportFile(db, i + 1)! })),
    ids: all<{ uid: string | null; zip_name: string }>(db, 'SELECT uid, zip_name FROM reports ORDER BY id').map((r) => ({ ...r })),
    search: all<{ docid: number }>(db, "SELECT docid FROM report_search WHERE report_search MATCH 'Петрова'").map((r) => r.docid),
    uids: walkUids(db).sort(),
  };
}

function searchPetrova(db: Database): number[] {
  return all<{ docid: number }>(db, "SELECT docid FROM report_search WHERE report_search MATCH 'Петрова' AND shard = 0").map((r) => r.docid);
}

/** report_uids as the sweep of removing jobs walks it, one row at a time from the start. */
function walkUids(db: Database): string[] {
  const seen: string[] = [];
  for (let after = ''; ; ) {
    const [row] = reportUidsAfter(db, after, 1);
    if (!row) return seen;
    assert.ok(isUidKnown(db, row.uid), row.uid);
    seen.push(`${row.uid} ${all<{ report_id: number }>(db, 'SELECT report_id FROM report_uids WHERE uid = ?', [row.uid])[0]!.report_id}`);
    after = row.uid;
  }
}

describe('migration 18: compact report rows', () => {
  it('a database of schema 17 converts and reads back the same pages, ids, zip names and search; intake reuses the converted users and environments', async (t) => {
    const { dir, defer } = await scratch(t);
    const old = await openStore({ dir, migrations: MIGRATIONS.slice(0, 17), log: quiet });
    await old.write((db) => {
      run(
        db,
        `INSERT INTO errors (key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen)
         VALUES ('k', 'МедицинаБольница', '2.0.7.6', '[]', '["Деление на 0"]', 'H', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      );
      for (const r of OLD_REPORTS) {
        run(
          db,
          `INSERT INTO reports (error_id, uid, received_at, time, client_id, groupable, has_files, user_name, ip, app_version, app_name, platform_type,
             server_type, server_version, data_separation, dbms, change_enabled, user_agent, descriptions, zip_name, zip_size)
           VALUES (1, ?, ?, ?, ?, 1, 0, ?, '10.0.0.7', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[["t","нажала"]]', ?, 123)`,
          [r.uid, r.at, r.time, r.pc, r.user, ...r.env, r.zip],
        );
      }
      // Each uid names its report; one more (a repeat folded into report 1) names it too.
      run(db, "INSERT INTO report_uids (uid, report_id) SELECT uid, id FROM reports WHERE uid IS NOT NULL UNION ALL SELECT '9b2f6c1e-0000-4000-8000-00000000000a', 1");
      // The search index takes them in its batch (migration 14's statement), as a running pult would have.
      run(db, "UPDATE meta SET value = (SELECT MAX(id) FROM reports) WHERE key = 'report_search_upto'");
      run(db, 'INSERT INTO report_search (docid, user_name, descriptions, additional_info, client_id) SELECT rowid, user_name, descriptions, additional_info, client_id FROM report_doc');
    });
    const before = old.read(readOld);
    await old.close();

    const converted = await openStore({ dir, migrations: MIGRATIONS.slice(0, 18), log: quiet });
    const after = converted.read(readNew);
    await converted.close();
    assert.deepEqual(after, before);
    assert.deepEqual(after.search, [2]);
    assert.equal(after.uids.length, 4);

    // Migrations 19 and 21 shard the indexes: the reports' is rebuilt from the start in batches, the errors' at once.
    const store = await openStore({ dir, migrations: MIGRATIONS, log: quiet });
    defer(() => store.close());
    assert.deepEqual(store.read(searchPetrova), [], 'nothing indexed before the first batch');
    assert.deepEqual(store.read((db) => errorsByText(db, 'деление', 10)), [1], 'migration 21 rebuilt the error texts index at once');
    await store.write((db) => indexNextReports(db, 100));
    assert.deepEqual(store.read(searchPetrova), [2], 'the rebuilt index finds the converted report');
    const stored = store.read((db) =>
      all<{ u: string; z: string; a: string; t: string }>(db, 'SELECT typeof(uid_own) AS u, typeof(zip_own) AS z, typeof(received_own) AS a, typeof(time_own) AS t FROM reports ORDER BY id'),
    );
    assert.deepEqual(
      stored.map((r) => [r.u, r.z, r.a, r.t]),
      [['blob', 'blob', 'integer', 'integer'], ['text', 'text', 'text', 'text'], ['null', 'blob', 'text', 'integer'], ['text', 'text', 'text', 'integer']],
      'only canonical shapes become bytes or numbers; a time that would not come back the same stays text',
    );
    assert.equal(store.read((db) => all(db, 'SELECT id FROM report_envs')).length, 4, 'user × environment: Иванов A, Петрова A, nobody B, Сидоров B');

    // A new report of environment A through intake's own insert takes the converted row.
    const facts: ReportFacts = {
      uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', time: '2026-01-03T00:00:00.000Z', clientId: 'pc-9', hasFiles: false, hasScreenshot: false,
      crashed: false, userName: 'Петрова', appVersion: '8.3.24.1548', appName: '1CV8C', platformType: 'Windows_x86_64', serverType: 'Windows_x86_64',
      serverVersion: '8.3.24.1548', dataSeparation: '', dbms: 'PostgreSQL', changeEnabled: false, userDescription: undefined, userAgent: undefined,
      additionalInfo: undefined,
    };
    const id = await store.write((db) => insertReport(db, { errorId: 1, facts, groupable: false, ip: undefined, receivedAt: '2026-01-03T00:00:01.5+03:00', zipName: 'aa'.repeat(16) + '.zip', zipSize: 1 }));
    assert.equal(store.read((db) => all(db, 'SELECT id FROM report_envs')).length, 4, 'no second row for the same user and environment');
    await store.write((db) => indexNextReports(db, 100));
    assert.deepEqual(store.read(searchPetrova), [2, id], 'the search finds the new report by its user');
    const row = store.read((db) => findReport(db, id))!;
    assert.deepEqual([row.app_version, row.dbms, row.change_enabled, row.user_agent, row.zip_name], ['8.3.24.1548', 'PostgreSQL', 0, null, 'aa'.repeat(16) + '.zip']);
    assert.deepEqual(
      store.read((db) => all<Record<string, unknown>>(db, 'SELECT uid, received_at, time, typeof(time_own) AS t FROM reports WHERE id = ?', [id])).map((r) => ({ ...r })),
      [{ uid: facts.uid, received_at: '2026-01-03T00:00:01.5+03:00', time: facts.time, t: 'integer' }],
    );
  });

  it('an environment whose insert was rolled back is created again, not referred to', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openStore({ dir, migrations: MIGRATIONS, log: quiet });
    defer(() => store.close());
    await store.write((db) =>
      run(db, `INSERT INTO errors (key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen)
               VALUES ('k', 'К', '1', '[]', '[]', 'H', 1, 't', 't')`),
    );
    const facts = { uid: undefined, time: 't', clientId: undefined, hasFiles: false, hasScreenshot: false, crashed: false, userName: undefined, appVersion: '8.3.1',
      appName: undefined, platformType: undefined, serverType: undefined, serverVersion: undefined, dataSeparation: undefined, dbms: 'MSSQL',
      changeEnabled: undefined, userDescription: undefined, userAgent: undefined, additionalInfo: undefined } satisfies ReportFacts;
    const row = { errorId: 1, facts, groupable: false, ip: undefined, receivedAt: 't', zipName: 'x.zip', zipSize: 1 };
    await assert.rejects(store.write((db) => {
      insertReport(db, row);
      throw new Error('откат');
    }), /откат/);
    const id = await store.write((db) => insertReport(db, row));
    assert.equal(store.read((db) => findReport(db, id))!.dbms, 'MSSQL');
  });
});
