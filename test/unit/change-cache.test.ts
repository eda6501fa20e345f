import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { ChangeCache } from '../../src/web/pages/change-cache';

describe('answers kept until the next write (search hits, trend order)', () => {
  it('computes once while nothing is written, again after any write, and keeps the newest few', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (x)');
    const cache = new ChangeCache<number>(2);
    let runs = 0;
    const compute = () => ++runs;
    assert.equal(cache.get(db, 'a', compute), 1);
    assert.equal(cache.get(db, 'a', compute), 1);
    db.run('INSERT INTO t VALUES (1)');
    assert.equal(cache.get(db, 'a', compute), 2, 'a write empties it');
    db.run('UPDATE t SET x = 2');
    assert.equal(cache.get(db, 'a', compute), 3, 'an update too (a folded report)');
    cache.get(db, 'b', compute);
    cache.get(db, 'c', compute);
    assert.equal(cache.get(db, 'a', compute), 6, 'the oldest of three went');
    const other = new SQL.Database();
    assert.equal(cache.get(other, 'a', compute), 7, 'another connection is another cache');
  });
});
