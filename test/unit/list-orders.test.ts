import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from 'sql.js';
import { schemaDb, xorshift } from '../helpers/schema-db';
import { ListOrders, ORDER_SORTS, type OrderSort } from '../../src/registry/list-orders';
import { listProblems } from '../../src/storage/problem-list-repo';
import { all, run } from '../../src/storage/sql';

const COLUMN: Record<OrderSort, string> = { last: 'last_seen', reports: 'reports_total', computers: 'computers', users: 'users' };

/** What SQLite says the order is: the counters now, most first, then the higher id. */
function byCounters(db: Database, sort: OrderSort): number[] {
  return all<{ id: number }>(db, `SELECT id FROM problems ORDER BY ${COLUMN[sort]} DESC, id DESC`).map((r) => r.id);
}

function built(db: Database, step = 7): ListOrders {
  const orders = new ListOrders();
  orders.watch(db);
  let from: number | undefined = 0;
  while (from !== undefined) from = orders.buildPart(db, from, step);
  orders.finishBuild();
  return orders;
}

const time = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString();

describe('the list orders in memory', () => {
  it('are built in parts and agree with the counters, ties by the higher id', async () => {
    const db = await schemaDb();
    for (let id = 1; id <= 40; id++) {
      run(db, "INSERT INTO problems (id, config_name, first_seen, last_seen, reports_total, computers, users) VALUES (?, 'К', ?, ?, ?, ?, ?)", [
        id, time(0), time(id % 5), id % 4, id % 3, id % 2,
      ]);
    }
    const orders = built(db);
    for (const sort of ORDER_SORTS) assert.deepEqual(orders.snapshot(sort), byCounters(db, sort), sort);
  });

  it('follow every change of the counters, a new problem and a removed one, by few or by many at once', async () => {
    const db = await schemaDb();
    const random = xorshift(13);
    let next = 1;
    const insert = () => {
      const id = next++;
      run(db, "INSERT INTO problems (id, config_name, first_seen, last_seen) VALUES (?, 'К', ?, ?)", [id, time(0), time(Math.floor(random() * 50))]);
    };
    for (let i = 0; i < 300; i++) insert();
    const orders = built(db, 64);
    // Rounds of 1 to 200 changes: the small ones take the splice, the large ones the merge.
    for (const changes of [1, 3, 16, 17, 200, 5, 120, 2]) {
      for (let c = 0; c < changes; c++) {
        const id = 1 + Math.floor(random() * (next - 1));
        const what = random();
        if (what < 0.1) insert();
        else if (what < 0.15) run(db, 'DELETE FROM problems WHERE id = ?', [id]);
        else run(db, 'UPDATE problems SET reports_total = reports_total + 1, computers = computers + ?, users = users + ?, last_seen = ? WHERE id = ?', [
          random() < 0.3 ? 1 : 0, random() < 0.2 ? 1 : 0, time(50 + Math.floor(random() * 50)), id,
        ]);
      }
      assert.ok(orders.pending > 0, 'the triggers noted the changes');
      orders.refresh(db);
      assert.equal(orders.pending, 0);
      for (const sort of ORDER_SORTS) assert.deepEqual(orders.snapshot(sort), byCounters(db, sort), `${sort} after ${changes} changes`);
    }
  });

  it('a change that leaves the counters as they were (rolled back) moves nothing', async () => {
    const db = await schemaDb();
    run(db, "INSERT INTO problems (id, config_name, first_seen, last_seen, reports_total) VALUES (1, 'К', '', 'a', 5), (2, 'К', '', 'b', 3)");
    const orders = built(db);
    db.run('BEGIN');
    run(db, 'UPDATE problems SET reports_total = 10 WHERE id = 2');
    db.run('ROLLBACK');
    orders.refresh(db);
    assert.deepEqual(orders.snapshot('reports'), [1, 2]);
  });

  it('pages through an order from either side of a cursor, filters applied per chunk', async () => {
    const db = await schemaDb();
    for (let id = 1; id <= 500; id++) {
      run(db, 'INSERT INTO problems (id, config_name, first_seen, last_seen, reports_total) VALUES (?, ?, ?, ?, ?)', [id, id % 50 === 0 ? 'Редкая' : 'К', time(0), time(id), id % 7]);
    }
    const orders = built(db, 100);
    const all = byCounters(db, 'reports');
    const page = listProblems(db, orders, 'reports', {}, { first: true }, 20).map((r) => r.id);
    assert.deepEqual(page, all.slice(0, 20));
    const at = (i: number) => ({ key: orders.keyOf('reports', all[i]!)!, id: all[i]! });
    assert.deepEqual(listProblems(db, orders, 'reports', {}, { before: at(19) }, 20).map((r) => r.id), all.slice(20, 40));
    assert.deepEqual(listProblems(db, orders, 'reports', {}, { after: at(40) }, 20).map((r) => r.id), all.slice(20, 40));
    // A rare configuration: 10 of 500, found by chunks that grow.
    const rare = all.filter((id) => id % 50 === 0);
    assert.deepEqual(listProblems(db, orders, 'reports', { config: 'Редкая' }, { first: true }, 20).map((r) => r.id), rare);
    // By last report with a period: the walk stops at its start and finds just those after it.
    const since = time(481);
    assert.deepEqual(listProblems(db, orders, 'last', { since }, { first: true }, 50).map((r) => r.id), Array.from({ length: 20 }, (_, i) => 500 - i));
  });
});
