import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all, run } from '../../src/storage/sql';
import { scratch } from './helpers';

const quiet = () => undefined;

describe('migration 3: problems from a database of schema 2 with marks', () => {
  it('groups the existing errors by the problem rule, counts them, and turns marks into «в работе» with the person and time', async (t) => {
    const { dir, defer } = await scratch(t);
    const old = await openStore({ dir, migrations: MIGRATIONS.slice(0, 2), log: quiet });
    await old.write((db) => {
      const error = (key: string, version: string, texts: string[], mark: [string, string, string] | null) =>
        all<{ id: number }>(
          db,
          `INSERT INTO errors (key_hash, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen, reports_total, computers, mark_login, mark_name, mark_at)
           VALUES (?, 'МедицинаБольница', ?, '[]', ?, 'H', 1, ?, ?, 2, 2, ?, ?, ?) RETURNING id`,
          [key, version, JSON.stringify(texts), `2026-0${version.slice(-1)}-01T00:00:00.000Z`, `2026-0${version.slice(-1)}-02T00:00:00.000Z`, ...(mark ?? [null, null, null])],
        )[0]!.id;
      const a = error('a', '2.0.6.5', ['{Документ.Карта.МодульОбъекта(1114)}: Не заполнено поле'], null);
      const b = error('b', '2.0.7.6', ['{Документ.Карта.МодульОбъекта(1120)}: Не заполнено поле'], ['petrova', 'Петрова Анна', '2026-07-03T10:00:00.000Z']);
      const c = error('c', '2.0.7.6', ['Деление на 0'], null);
      for (const [errorId, pc, user] of [[a, 'pc1', 'Иванов'], [a, 'pc2', 'Иванов'], [b, 'pc1', 'Сидоров'], [b, 'pc3', ''], [c, 'pc1', 'Иванов'], [c, 'pc1', 'Иванов']] as const) {
        run(
          db,
          `INSERT INTO reports (error_id, received_at, time, client_id, groupable, has_files, user_name, zip_name, zip_size)
           VALUES (?, '2026-01-01', '2026-01-01', ?, 1, 0, ?, ?, 1)`,
          [errorId, pc, user, `${errorId}-${pc}-${Math.random()}.zip`],
        );
      }
    });
    await old.close();

    const store = await openStore({ dir, migrations: MIGRATIONS, log: quiet });
    defer(() => store.close());
    const problems = store.read((db) => all<Record<string, unknown>>(db, 'SELECT id, status, owner_login, owner_name, rev, reports_total, computers, users, first_seen, last_seen FROM problems ORDER BY id'));
    assert.deepEqual(problems.map((p) => ({ ...p })), [
      { id: 1, status: 'in-work', owner_login: 'petrova', owner_name: 'Петрова Анна', rev: 2, reports_total: 4, computers: 3, users: 2, first_seen: '2026-05-01T00:00:00.000Z', last_seen: '2026-06-02T00:00:00.000Z' },
      { id: 2, status: 'new', owner_login: null, owner_name: null, rev: 1, reports_total: 2, computers: 1, users: 1, first_seen: '2026-06-01T00:00:00.000Z', last_seen: '2026-06-02T00:00:00.000Z' },
    ]);
    assert.deepEqual(store.read((db) => all<{ id: number; problem_id: number }>(db, 'SELECT id, problem_id FROM errors ORDER BY id')).map((r) => r.problem_id), [1, 1, 2]);
    const events = store.read((db) => all<Record<string, unknown>>(db, 'SELECT problem_id, rev, at, login, name, kind FROM problem_events'));
    assert.deepEqual(events.map((e) => ({ ...e })), [{ problem_id: 1, rev: 2, at: '2026-07-03T10:00:00.000Z', login: 'petrova', name: 'Петрова Анна', kind: 'state' }]);
    assert.equal(store.read((db) => all(db, 'SELECT key_hash FROM problem_keys')).length, 2, 'new errors of these bugs will find them');
  });
});
