import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import initSqlJs, { type Database } from 'sql.js';
import { nextErrorOf, oldestReportsOf, pendingDeletes, reportTotalsOf, reportUidsAfter } from '../../src/storage/clear-repo';
import { firstReportId, kthNewestReportId, reportsAfter } from '../../src/storage/retention-repo';
import { readMark, writeMark } from '../../src/storage/marks-repo';
import { MIGRATIONS } from '../../src/storage/migrations';
import {
  errorFacets,
  findError,
  findReportFile,
  hasErrorsBeyond,
  hasReportsBeyond,
  listErrors,
  listReports,
  type ErrorFilter,
} from '../../src/storage/pages-repo';

/**
 * Every query of the pages must walk an index, never the table and never sort: that is
 * what keeps errorsList and reports/N flat at 100k errors / 1M reports. The plans are
 * taken from the SQL the repositories really prepare.
 */
async function schemaDb(): Promise<Database> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  for (const m of MIGRATIONS) m.up(db);
  return db;
}

/** Runs `fn` against the database and returns the plan lines of every statement it prepared. */
function plansOf(db: Database, fn: (db: Database) => unknown): string[][] {
  const seen: string[] = [];
  const spy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => (seen.push(sql), target.prepare(sql));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  fn(spy);
  return seen.map((sql) => (db.exec(`EXPLAIN QUERY PLAN ${sql}`)[0]?.values ?? []).map((row) => String(row[3])));
}

const FILTERS: [string, ErrorFilter, RegExp][] = [
  ['no filter', {}, /^SEARCH errors USING INTEGER PRIMARY KEY \((?:row)?id[<>]\?\)$/],
  ['configuration', { config: 'К' }, /^SEARCH errors USING (COVERING )?INDEX errors_by_config_id \(config_name=\? AND (?:row)?id[<>]\?\)$/],
  ['version', { version: '1' }, /^SEARCH errors USING (COVERING )?INDEX errors_by_version \(config_version=\? AND (?:row)?id[<>]\?\)$/],
  ['both', { config: 'К', version: '1' }, /^SEARCH errors USING (COVERING )?INDEX errors_by_config \(config_name=\? AND config_version=\? AND (?:row)?id[<>]\?\)$/],
];

describe('query plans of the pages', () => {
  for (const [name, filter, expected] of FILTERS) {
    it(`errorsList filtered by ${name}: an index range in id order, both directions, no sort`, async () => {
      const db = await schemaDb();
      const plans = plansOf(db, (d) => {
        listErrors(d, filter, { before: 100 }, 50);
        listErrors(d, filter, { after: 100 }, 50);
        hasErrorsBeyond(d, filter, 100, 'older');
        hasErrorsBeyond(d, filter, 100, 'newer');
      });
      assert.equal(plans.length, 4);
      for (const plan of plans) assert.deepEqual(plan.length, 1, plan.join(' | '));
      for (const plan of plans) assert.match(plan[0]!, expected);
    });
  }

  it('reports/N: the error by id, its reports by reports_by_error in id order, the zip by report id', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      findError(d, 1);
      listReports(d, 1, { before: 100 }, 50);
      listReports(d, 1, { after: 100 }, 50);
      hasReportsBeyond(d, 1, 100, 'older');
      hasReportsBeyond(d, 1, 100, 'newer');
      findReportFile(d, 1);
    });
    assert.deepEqual(plans[0], ['SEARCH errors USING INTEGER PRIMARY KEY (rowid=?)']);
    for (const plan of plans.slice(1, 5)) assert.match(plan.join(' | '), /^SEARCH reports USING (COVERING )?INDEX reports_by_error \(error_id=\? AND (?:row)?id[<>]\?\)$/);
    assert.deepEqual(plans[5], ['SEARCH reports USING INTEGER PRIMARY KEY (rowid=?)']);
  });

  it('the filter counts read only the errors_by_config index (the one whole-index walk, cached briefly)', async () => {
    const db = await schemaDb();
    const [plan] = plansOf(db, (d) => errorFacets(d));
    assert.deepEqual(plan, ['SCAN errors USING COVERING INDEX errors_by_config']);
  });

  it('marks read and write one error by id', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      readMark(d, 1);
      writeMark(d, 1, null);
    });
    for (const plan of plans) assert.deepEqual(plan, ['SEARCH errors USING INTEGER PRIMARY KEY (rowid=?)']);
  });

  it('clearing finds its errors and reports by index, and pending deletions by name', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      nextErrorOf(d, 'К', '1', 0);
      reportTotalsOf(d, 'К', '1');
      pendingDeletes(d, '', 500);
      oldestReportsOf(d, 1, 200);
    });
    assert.match(plans[0]!.join(' | '), /^SEARCH errors USING COVERING INDEX errors_by_config \(config_name=\? AND config_version=\? AND (?:row)?id>\?\)$/);
    assert.match(plans[3]!.join(' | '), /^SEARCH reports USING INDEX reports_by_error \(error_id=\?\)$/);
    assert.match(plans[1]!.join(' | '), /SEARCH e USING COVERING INDEX errors_by_config .*SEARCH r USING INDEX reports_by_(error|computer)/);
    assert.match(plans[2]!.join(' | '), /^SEARCH pending_deletes USING PRIMARY KEY \(zip_name>\?\)$/);
    for (const plan of plans) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE/);
  });

  it('retention walks reports by key and finds what each error keeps by index, with no sort', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      reportsAfter(d, 0, 128);
      firstReportId(d, 1);
      kthNewestReportId(d, 1, 10);
      reportUidsAfter(d, '', 256);
    });
    assert.match(plans[0]!.join(' | '), /^SEARCH reports USING INTEGER PRIMARY KEY \(rowid>\?\)$/);
    assert.match(plans[1]!.join(' | '), /SEARCH reports USING COVERING INDEX reports_by_error \(error_id=\?\)/);
    assert.match(plans[2]!.join(' | '), /SEARCH reports USING COVERING INDEX reports_by_error \(error_id=\?\)/);
    assert.match(plans[3]!.join(' | '), /SEARCH u USING PRIMARY KEY \(uid>\?\).*SEARCH r USING INTEGER PRIMARY KEY/);
    for (const plan of plans) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE/);
  });
});
