import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchErrors } from '../../src/registry/search';
import { parseSearch } from '../../src/registry/search-query';
import { indexNextErrors, indexNextReports, mergeSearchSegments } from '../../src/storage/search-repo';
import { buildErrors, rows, startApp, type TestApp as App } from './harness';

type Levels = Array<{ level: number; n: number }>;
const levels = (app: App, table: string): Levels =>
  rows<{ level: number; n: number }>(app.store, `SELECT level, count(*) AS n FROM ${table}_segdir GROUP BY level ORDER BY level`);
const most = (l: Levels): number => Math.max(0, ...l.map((x) => x.n));
const found = (app: App, q: string): number[] => app.store.read((db) => searchErrors(db, parseSearch(q)!)).errorIds.sort((a, b) => a - b);

describe('the search indexes are merged a little at a time', () => {
  it('keeps every level below the 16 segments at which FTS4 would merge it in one go, and finds the same', async (t) => {
    const app = await startApp(t);
    // 60 small batches of new words, without the merging each of the plugin's batches does
    // alongside: one segment each in both indexes (errors' words, reports' words).
    for (let i = 0; i < 60; i++) {
      await buildErrors(app.store, 3, (k) => ({ texts: [`Ошибка записи врача ${i}-${k}`, i % 2 ? 'Нечётная' : 'Чётная'] }));
      await app.store.write((db) => indexNextErrors(db, 100) + indexNextReports(db, 500));
    }
    const before = { errors: levels(app, 'error_search'), reports: levels(app, 'report_search') };
    assert.ok(before.errors.reduce((n, l) => n + l.n, 0) >= 8, `segments written: ${JSON.stringify(before)}`);
    const queries = ['врача', 'нечётная', 'Ошибка записи 7-1'];
    const answers = queries.map((q) => found(app, q));
    assert.equal(answers[0]!.length, 180);

    // The timer's work, done here by hand: short steps until nothing is left.
    let steps = 0;
    while (await app.indexes.mergeSegments()) steps++;
    const after = { errors: levels(app, 'error_search'), reports: levels(app, 'report_search') };
    assert.ok(most(after.errors) < 8 && most(after.reports) < 8, `every level below 8 segments: ${JSON.stringify(after)}`);
    assert.ok(
      after.errors.reduce((n, l) => n + l.n, 0) < before.errors.reduce((n, l) => n + l.n, 0),
      `merged: ${JSON.stringify(before.errors)} → ${JSON.stringify(after.errors)} (${steps} extra runs)`,
    );
    assert.deepEqual(queries.map((q) => found(app, q)), answers, 'the same errors are found');
    assert.deepEqual(rows(app.store, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    assert.equal(app.store.read((db) => mergeSearchSegments(db, performance.now() + 50)), false, 'nothing left to merge');
  });
});
