import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { schemaDb } from '../helpers/schema-db';
import { nextErrorOf, oldestReportsOf, pendingDeletes, reportCountOf, reportTotalsOf, reportUidsAfter } from '../../src/storage/clear-repo';
import { firstReportId, kthNewestReportId, reportsAfter } from '../../src/storage/retention-repo';
import { ListOrders } from '../../src/registry/list-orders';
import { hasProblemsBeyond, listProblems, problemIdsAmong, problemsAmong, problemWindowCounts, type ProblemFilter } from '../../src/storage/problem-list-repo';
import {
  addProblemComputer,
  addProblemUser,
  countProblemReport,
  errorsOfProblem,
  eventsOf,
  eventsSince,
  findProblemByKey,
  problemOfError,
  readProblem,
  takesNoMoreReports,
  fixedProblemState,
  writeProblemState,
  type ProblemRow,
} from '../../src/storage/problems-repo';
import { findComputerReport, findErrorOfKey } from '../../src/storage/registry-repo';
import { addUnasked, problemsOfStack, unaskedOf, versionFigures } from '../../src/storage/getinfo-repo';
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
  // An existence check may take the two-integer errors_problem_by_id: the same id range, smaller.
  ['no filter', {}, /^SEARCH errors USING (?:INTEGER PRIMARY KEY|COVERING INDEX errors_problem_by_id) \((?:row)?id[<>]\?\)$/],
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
    // A page of reports also reads each row's environment by its id (report_envs, migration 18).
    for (const plan of plans.slice(1, 3)) {
      assert.match(plan.join(' | '), /^SEARCH reports USING INDEX reports_by_error \(error_id=\? AND id[<>]\?\) \| SEARCH report_envs USING INTEGER PRIMARY KEY \(rowid=\?\) LEFT-JOIN$/);
    }
    for (const plan of plans.slice(3, 5)) assert.match(plan.join(' | '), /^SEARCH reports USING (COVERING )?INDEX reports_by_error \(error_id=\? AND (?:row)?id[<>]\?\)$/);
    assert.deepEqual(plans[5], ['SEARCH reports USING INTEGER PRIMARY KEY (rowid=?)']);
  });

  it('the filter counts read only one (config, version, …) index (the one whole-index walk, cached briefly)', async () => {
    const db = await schemaDb();
    const [plan] = plansOf(db, (d) => errorFacets(d));
    assert.match(plan!.join(' | '), /^SCAN errors USING COVERING INDEX errors_by_config(_version_problem)?$/);
  });

  const PROBLEM_FILTERS: [string, ProblemFilter][] = [
    ['no filter', {}],
    ['configuration', { config: 'К' }],
    ['version', { version: '1' }],
    ['status, owner, period, configuration and version', { status: 'new', owner: 'petrova', since: '2026-01-01', config: 'К', version: '1' }],
  ];
  /** Orders built from the rows of `db` (what the plugin's first catch-up does). */
  const ordersOf = (db: Database) => {
    const orders = new ListOrders();
    orders.buildPart(db, 0, 10_000);
    orders.finishBuild();
    return orders;
  };
  const ROWS = "INSERT INTO problems (id, config_name, first_seen, last_seen) VALUES (100, 'К', '2026-01-01', '2026-01-02'), (101, 'К', '2026-01-01', '2026-01-03')";
  for (const [name, filter] of PROBLEM_FILTERS) {
    it(`the problem list by first report, filtered by ${name}: a walk of problems_by_first in order, both directions, no sort`, async () => {
      const db = await schemaDb();
      db.run(ROWS);
      const orders = ordersOf(db);
      const row = { id: 101, first_seen: '2026-01-01' } as ProblemRow;
      const plans = plansOf(db, (d) => {
        listProblems(d, orders, 'first', filter, { first: true }, 50);
        listProblems(d, orders, 'first', filter, { after: { key: '2026-01-01', id: 99 } }, 50);
        hasProblemsBeyond(d, orders, 'first', filter, row, 'older');
        errorsOfProblem(d, 100, 200);
      });
      const [older, newer, ofProblem] = plans;
      assert.equal(plans.length, 3, 'the paging checks reuse the page queries');
      for (const plan of [older!, newer!]) {
        assert.match(plan[0]!, /^SEARCH problems USING INDEX problems_by_first \(/, plan.join(' | '));
        assert.ok(!plan.some((l) => /TEMP B-TREE|SCAN problems/.test(l)), plan.join(' | '));
        if (filter.version) assert.ok(plan.includes('SEARCH errors USING COVERING INDEX errors_by_version_problem (config_version=?)'), plan.join(' | '));
      }
      assert.deepEqual(ofProblem, ['SEARCH errors USING INDEX errors_by_problem (problem_id=?)']);
    });
  }
  for (const sort of ['last', 'reports', 'computers', 'users'] as const) {
    for (const [name, filter] of PROBLEM_FILTERS) {
      it(`the problem list by ${sort}, filtered by ${name}: the order in memory, each chunk's rows by id, both directions, no sort`, async () => {
        const db = await schemaDb();
        db.run(ROWS);
        const orders = ordersOf(db);
        const row = { id: 100, last_seen: '2026-01-02', first_seen: '2026-01-01', reports_total: 0, computers: 0, users: 0 } as ProblemRow;
        const plans = plansOf(db, (d) => {
          listProblems(d, orders, sort, filter, { first: true }, 50);
          hasProblemsBeyond(d, orders, sort, filter, row, 'newer');
          errorsOfProblem(d, 100, 200);
        });
        const [page, ofProblem] = plans;
        assert.equal(plans.length, 2, 'the paging check reuses the page query');
        assert.match(page![0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/, page!.join(' | '));
        assert.ok(!page!.some((l) => /TEMP B-TREE|SCAN problems/.test(l)), page!.join(' | '));
        if (filter.version) assert.ok(page!.includes('SEARCH errors USING COVERING INDEX errors_by_version_problem (config_version=?)'), page!.join(' | '));
        assert.deepEqual(ofProblem, ['SEARCH errors USING INDEX errors_by_problem (problem_id=?)']);
      });
    }
  }

  const RARE: ProblemFilter = { screenshot: true, files: true, crash: true, category: 'NetworkError' };
  it('a rare filter (screenshot, files, crash, category) starts from its few problems, each read by its own index, and sorts only those', async () => {
    const db = await schemaDb();
    const orders = ordersOf(db);
    const plans = plansOf(db, (d) => listProblems(d, orders, 'reports', RARE, { first: true }, 50));
    const [crashes, files, screenshots, category, page] = [...plans.slice(0, 4), plans[plans.length - 1]!];
    // A walk of a partial index holds only the problems with the flag.
    assert.deepEqual(crashes, ['SCAN problems USING INDEX problems_with_crashes']);
    assert.deepEqual(files, ['SCAN problems USING INDEX problems_with_files']);
    assert.deepEqual(screenshots, ['SCAN problems USING INDEX problems_with_screenshots']);
    assert.deepEqual(category, ['SEARCH c USING PRIMARY KEY (category=?)', 'SEARCH e USING INTEGER PRIMARY KEY (rowid=?)']);
    assert.match(page![0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/, page!.join(' | '));
    assert.ok(page!.includes('SEARCH e USING COVERING INDEX errors_by_problem (problem_id=?)'), page!.join(' | '));
    assert.ok(page!.some((l) => /^SEARCH c .*\((error_id=\? AND category=\?|category=\? AND error_id=\?)\)$/.test(l)), page!.join(' | '));
    assert.ok(!page!.some((l) => /^SCAN (problems|errors|c)/.test(l)), page!.join(' | '));
  });

  it('a filter that matches many problems walks the order as the others do', async () => {
    const db = await schemaDb();
    db.run("INSERT INTO problems (id, config_name, first_seen, last_seen, crashes, screenshots, files) SELECT n, 'К', '', '', 1, 1, 1 FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2001) SELECT n FROM s)");
    const orders = ordersOf(db);
    const plans = plansOf(db, (d) => listProblems(d, orders, 'last', { screenshot: true, files: true, crash: true }, { first: true }, 50));
    const page = plans[plans.length - 1]!;
    assert.equal(plans.length, 4, 'three candidate reads, then one chunk of the order');
    assert.match(page[0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/, page.join(' | '));
    assert.ok(!page.some((l) => /TEMP B-TREE/.test(l)), page.join(' | '));
  });

  it('a searched list starts from the unique errors found: each error and problem by id, only those few sorted', async () => {
    const db = await schemaDb();
    const orders = ordersOf(db);
    const [plan] = plansOf(db, (d) => listProblems(d, orders, 'reports', { status: 'new' }, { first: true }, 50, [1, 2, 3]));
    assert.match(plan![0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    assert.ok(plan!.includes('SEARCH e USING COVERING INDEX errors_problem_by_id (id=?)'), plan!.join(' | '));
    assert.ok(!plan!.some((l) => /^SCAN (problems|errors)/.test(l)), plan!.join(' | '));
  });

  it('the trend reads the days of the window by error_days_by_day, each error\'s problem from the small index; the active problems by id', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      problemWindowCounts(d, { from: '2026-11-20', yesterday: '2026-11-27', today: '2026-11-28' });
      problemIdsAmong(d, [1, 2], { owner: 'petrova' });
      problemsAmong(d, [1, 2], { owner: 'petrova' });
    });
    // Grouped by problem: only the window's rows (one per error and day) are sorted, never a table.
    assert.deepEqual(plans[0], [
      'SEARCH d USING INDEX error_days_by_day (day>? AND day<?)',
      'SEARCH e USING COVERING INDEX errors_problem_by_id (id=?)',
      'USE TEMP B-TREE FOR GROUP BY',
    ]);
    assert.match(plans[1]![0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    assert.match(plans[2]![0]!, /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
  });

  it('intake and state changes reach a problem by key, by id and by index only', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      findProblemByKey(d, 'k');
      problemOfError(d, 1);
      addProblemComputer(d, 1, 'pc');
      addProblemUser(d, 1, 'Иванов');
      countProblemReport(d, 1, 't', true, true);
      readProblem(d, 1);
      writeProblemState(d, 1, 1, { status: 'new', owner_login: null, owner_name: null, fixed_in: null, reason: null, no_more_reports: 0 });
      eventsOf(d, 1, 200);
      eventsSince(d, 1, 3, 20);
    });
    assert.deepEqual(plans[0], ['SEARCH problem_keys USING PRIMARY KEY (key_hash=?)']);
    assert.deepEqual(plans[1], ['SEARCH errors USING INTEGER PRIMARY KEY (rowid=?)']);
    for (const i of [4, 5, 6]) assert.deepEqual(plans[i], ['SEARCH problems USING INTEGER PRIMARY KEY (rowid=?)'], String(i));
    assert.match(plans[7]!.join(' | '), /^SEARCH problem_events USING INDEX problem_events_by_problem \(problem_id=\?\)$/);
    assert.match(plans[8]!.join(' | '), /^SEARCH problem_events USING INDEX problem_events_by_problem \(problem_id=\?\)$/);
    for (const plan of plans) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE|SCAN/);
  });

  it('intake finds the error of a key with its problem, and what the error has from a computer, by index only', async () => {
    const db = await schemaDb();
    const [error, computer, noMore, fixed] = plansOf(db, (d) => {
      findErrorOfKey(d, 'k');
      findComputerReport(d, 1, 'pc');
      takesNoMoreReports(d, 1);
      fixedProblemState(d, 1);
    });
    // The regression check: the small index of fixed problems first, a problem's row only for those.
    assert.match(fixed!.join(' | '), /^SEARCH problems USING INTEGER PRIMARY KEY \(rowid=\?\) \| SCALAR SUBQUERY \d+ \| SEARCH f USING COVERING INDEX problems_fixed \(id=\? AND rowid=\?\)$/);
    assert.deepEqual(noMore, ['SEARCH problems USING COVERING INDEX problems_taking_no_more (id=? AND rowid=?)']);
    // "No more reports" from the small index of such problems, never the problem's row.
    assert.match(error!.join(' | '), /^SEARCH e USING COVERING INDEX errors_by_key_problem \(key_hash=\?\) \| CORRELATED SCALAR SUBQUERY \d+ \| SEARCH p USING COVERING INDEX problems_taking_no_more \(id=\? AND rowid=\?\)$/);
    // The other reports only answer "seen": from the index alone.
    assert.match(computer!.join(' | '), /USING INDEX reports_groupable_once \(error_id=\? AND client_id=\?\).*USING COVERING INDEX reports_by_computer_ungrouped \(error_id=\? AND client_id=\?\)/);
    for (const plan of [error!, computer!, fixed!]) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE|SCAN/);
  });

  it('clearing finds its errors and reports by index, and pending deletions by name', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      nextErrorOf(d, 'К', '1', 0);
      reportTotalsOf(d, 'К', '1');
      pendingDeletes(d, '', 500);
      oldestReportsOf(d, 1, 200);
      reportCountOf(d, 'К', '1');
    });
    // A confirmed clear counts its reports in the index alone.
    assert.match(plans[4]!.join(' | '), /SEARCH e USING COVERING INDEX errors_by_config(_version_problem)? .*SEARCH r USING COVERING INDEX reports_by_error \(error_id=\?\)$/);
    assert.match(plans[0]!.join(' | '), /^SEARCH errors USING COVERING INDEX errors_by_config(_version_problem)? \(config_name=\? AND config_version=\? AND (?:row)?id>\?\)$/);
    assert.match(plans[3]!.join(' | '), /^SEARCH reports USING INDEX reports_by_error \(error_id=\?\)$/);
    assert.match(plans[1]!.join(' | '), /SEARCH e USING COVERING INDEX errors_by_config(_version_problem)? .*SEARCH r USING INDEX reports_by_(error|computer)/);
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
    assert.match(plans[3]!.join(' | '), /SEARCH u USING PRIMARY KEY \(key>\?\).*SEARCH r USING INTEGER PRIMARY KEY/);
    for (const plan of plans) assert.doesNotMatch(plan.join(' | '), /TEMP B-TREE/);
  });

  it('getInfo finds the problems of a stack hash and a version\'s figures by index only; the counts are written by key', async () => {
    const db = await schemaDb();
    const plans = plansOf(db, (d) => {
      problemsOfStack(d, 'К', 'H');
      versionFigures(d, 1, 'К', '1');
      addUnasked(d, 1, '2024-01-01', '1', 1);
      unaskedOf(d, 1, 14);
    });
    const text = plans.map((p) => p.join(' | '));
    assert.match(text[0]!, /SEARCH e USING COVERING INDEX errors_by_config_stack \(config_name=\? AND stack_hash=\?/);
    assert.match(text[0]!, /SEARCH p USING INTEGER PRIMARY KEY/);
    assert.match(text[1]!, /SEARCH errors USING INDEX errors_by_config_version_problem \(config_name=\? AND config_version=\? AND problem_id=\?\)/);
    assert.match(text[3]!, /SEARCH problem_unasked USING PRIMARY KEY \(problem_id=\?\)/);
    for (const plan of text) assert.doesNotMatch(plan, /SCAN (e|errors|p|problems)\b|TEMP B-TREE/, plan);
  });
});
