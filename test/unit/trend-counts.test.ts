import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { schemaDb, xorshift } from '../helpers/schema-db';
import { TrendCounts } from '../../src/registry/trend-counts';
import { trendWindow, type TrendWindow } from '../../src/registry/trend';
import { problemWindowCounts, type ProblemWindowCounts } from '../../src/storage/problem-list-repo';
import { countDay } from '../../src/storage/registry-repo';
import { run } from '../../src/storage/sql';
import { daysBefore } from '../../src/registry/days';

const byProblem = (rows: ProblemWindowCounts[]) => [...rows].sort((a, b) => a.problem_id - b.problem_id);

function addError(db: Database, id: number, problemId: number): void {
  run(
    db,
    `INSERT INTO errors (id, key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen, problem_id)
     VALUES (?, ?, 'К', '1.0', '[]', '["Ошибка"]', '', 1, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', ?)`,
    [id, `k${id}`, problemId],
  );
}

function addProblems(db: Database, n: number): void {
  for (let id = 1; id <= n; id++) {
    run(db, "INSERT INTO problems (id, config_name, first_seen, last_seen) VALUES (?, 'К', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')", [id]);
  }
}

describe('the trend window counts in memory', () => {
  it('agree with the sum of the window in the database after intake, merges, clears, retention, rollbacks and a new day', async () => {
    const db = await schemaDb();
    const random = xorshift(29);
    const pick = (n: number) => 1 + Math.floor(random() * n);
    addProblems(db, 30);
    let nextError = 1;
    for (; nextError <= 90; nextError++) addError(db, nextError, pick(30));
    let w: TrendWindow = trendWindow(Date.parse('2026-11-20T15:00:00+03:00'));
    // Days from two before the window to the day after it (both outside it).
    const someDay = (at: TrendWindow) => daysBefore(at.today, Math.floor(random() * 12) - 1);
    for (let i = 0; i < 600; i++) countDay(db, pick(nextError - 1), someDay(w), random() < 0.3);
    const trend = new TrendCounts();
    trend.watch(db);
    assert.equal(trend.pending, 0);
    assert.deepEqual(byProblem(trend.countsOf(db, w)), byProblem(problemWindowCounts(db, w)), 'read at first');
    for (let round = 0; round < 40; round++) {
      const changes = 1 + Math.floor(random() * 30);
      for (let c = 0; c < changes; c++) {
        const what = random();
        const errorId = pick(nextError - 1);
        if (what < 0.6) countDay(db, errorId, random() < 0.8 ? w.today : someDay(w), random() < 0.3);
        else if (what < 0.7) run(db, 'UPDATE errors SET problem_id = ? WHERE id = ?', [pick(30), errorId]);
        else if (what < 0.75) run(db, 'DELETE FROM errors WHERE id = ?', [errorId]);
        else if (what < 0.8) addError(db, nextError++, pick(30));
        else if (what < 0.85) run(db, 'DELETE FROM error_days WHERE error_id = ? AND day < ?', [errorId, daysBefore(w.today, 3)]);
        else if (what < 0.95) {
          // A write that failed half-way: nothing of it counts.
          db.run('BEGIN');
          countDay(db, errorId, w.today, true);
          run(db, 'UPDATE errors SET problem_id = ? WHERE id = ?', [pick(30), pick(nextError - 1)]);
          db.run('ROLLBACK');
        } else w = trendWindow(Date.parse(`${daysBefore(w.today, -1)}T00:30:00+03:00`));
      }
      assert.deepEqual(byProblem(trend.countsOf(db, w)), byProblem(problemWindowCounts(db, w)), `round ${round}`);
      assert.equal(trend.pending, 0);
    }
  });

  it('notes nothing before its first read, and past its limit reads the window anew', async () => {
    const db = await schemaDb();
    addProblems(db, 5);
    const w = trendWindow(Date.parse('2026-11-20T15:00:00+03:00'));
    const trend = new TrendCounts();
    trend.watch(db);
    addError(db, 1, 1);
    countDay(db, 1, w.today, true);
    assert.equal(trend.pending, 0, 'nothing held, nothing noted');
    assert.deepEqual(trend.countsOf(db, w), [{ problem_id: 1, today: 1, yesterday: 0, before: 0 }]);
    countDay(db, 1, w.today, false);
    assert.equal(trend.pending, 1);
    // More errors changed than a re-read of them is worth.
    db.run('BEGIN');
    for (let id = 2; id <= 20_002; id++) {
      addError(db, id, 1 + (id % 5));
      countDay(db, id, w.yesterday, true);
    }
    db.run('COMMIT');
    assert.equal(trend.pending, 0, 'dropped, not growing');
    assert.deepEqual(byProblem(trend.countsOf(db, w)), byProblem(problemWindowCounts(db, w)));
  });

  it('on a connection it does not watch, sums the database', async () => {
    const db = await schemaDb();
    addProblems(db, 1);
    addError(db, 1, 1);
    const w = trendWindow(Date.parse('2026-11-20T15:00:00+03:00'));
    countDay(db, 1, w.yesterday, true);
    assert.deepEqual(new TrendCounts().countsOf(db, w), [{ problem_id: 1, today: 0, yesterday: 1, before: 0 }]);
  });
});
