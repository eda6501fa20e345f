import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trendWindow } from '../../src/registry/trend';
import { BASE, buildErrors, rows, startApp } from './harness';

const JSON_ACCEPT = { accept: 'application/json' };

/** A small deterministic generator: the same set on every run. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('errorsList sort=trend over a generated set', () => {
  it('orders every page as a plain per-row count of the window does: growth, ties by number, then the rest by last report', async (t) => {
    const app = await startApp(t);
    // 130 problems of two errors each (the same texts in two versions), three pages of 50.
    await buildErrors(app.store, 260, (i) => ({ texts: [`Ошибка ${i >> 1}`], version: `2.0.6.${i & 1}` }));
    assert.equal(rows<{ n: number }>(app.store, 'SELECT count(*) AS n FROM problems')[0]!.n, 130);
    const w = trendWindow(Date.now());
    const next = random(13);
    const errors = rows<{ id: number; problem_id: number }>(app.store, 'SELECT id, problem_id FROM errors');
    const days: [number, string, number][] = [];
    await app.store.write((db) => {
      db.run('DELETE FROM error_days');
      for (const e of errors) {
        // Days from two before the window to tomorrow (both outside it), few counts so that ties happen.
        // A quarter of the problems have rows only outside the window: not active.
        const outside = e.problem_id % 4 === 1;
        for (let d = -10; d <= 1; d++) {
          if (next() < 0.6 || (outside && d >= -8 && d <= 0)) continue;
          const reports = Math.floor(next() * 4);
          const day = shift(w.today, d);
          days.push([e.id, day, reports]);
          db.run('INSERT INTO error_days (error_id, day, reports, computers) VALUES (?, ?, ?, 1)', [e.id, day, reports]);
        }
      }
      // Some problems taken, for the filter.
      db.run("UPDATE problems SET status = 'in-work' WHERE id % 3 = 0");
    });
    const problemOf = new Map(errors.map((e) => [e.id, e.problem_id]));
    // A problem with reports in the window had its last report in it, as at intake.
    const activeIds = [...new Set(days.filter(([, day]) => day >= w.from && day <= w.today).map(([e]) => problemOf.get(e)!))];
    await app.store.write((db) => {
      for (const p of activeIds) {
        const at = new Date(Date.parse(`${w.from}T12:00:00+03:00`) + p * 60_000).toISOString();
        db.run('UPDATE problems SET last_seen = ? WHERE id = ?', [at, p]);
      }
    });
    // The straightforward count: every row of the window on its own, by the trend's rule.
    const sums = new Map<number, { today: number; yesterday: number; before: number }>();
    for (const [errorId, day, reports] of days) {
      if (day < w.from || day > w.today) continue;
      const p = problemOf.get(errorId)!;
      const s = sums.get(p) ?? { today: 0, yesterday: 0, before: 0 };
      if (day === w.today) s.today += reports;
      else if (day === w.yesterday) s.yesterday += reports;
      else s.before += reports;
      sums.set(p, s);
    }
    const growth = (p: number) => {
      const s = sums.get(p)!;
      return s.today + s.yesterday * w.yesterdayShare - s.before / 7;
    };
    const problems = rows<{ id: number; last_seen: string; status: string }>(app.store, 'SELECT id, last_seen, status FROM problems');
    const expected = (keep: (p: { status: string }) => boolean) => {
      const kept = problems.filter(keep);
      const active = kept.filter((p) => sums.has(p.id)).sort((a, b) => growth(b.id) - growth(a.id) || b.id - a.id);
      const rest = kept.filter((p) => !sums.has(p.id)).sort((a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : b.id - a.id));
      return [...active, ...rest].map((p) => p.id);
    };
    assert.ok(sums.size > 60 && sums.size < 130, `some problems active, some not (${sums.size})`);
    const browser = app.browser('reader');
    const walk = async (url: string) => {
      const seen: number[] = [];
      for (let page: string | null = url, n = 0; page; n++) {
        assert.ok(n < 10, `a walk of more than 10 pages: ${page}`);
        const json = JSON.parse((await browser.get(page, JSON_ACCEPT)).text);
        seen.push(...json.items.map((i: { id: number }) => i.id));
        page = json.next;
      }
      return seen;
    };
    // A minute boundary between the expectation and the pages would move yesterday's share: take the pair again.
    for (let attempt = 0; ; attempt++) {
      const minute = Math.floor(Date.now() / 60_000);
      const all = await walk(`${BASE}s/errorsList?sort=trend`);
      const taken = await walk(`${BASE}s/errorsList?sort=trend&status=in-work`);
      if (Math.floor(Date.now() / 60_000) !== minute && attempt < 2) continue;
      const wNow = trendWindow(minute * 60_000);
      w.yesterdayShare = wNow.yesterdayShare;
      assert.equal(all.length, 130);
      assert.deepEqual(all, expected(() => true));
      assert.deepEqual(taken, expected((p) => p.status === 'in-work'));
      break;
    }
  });
});
