import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readReport } from '../../src/intake/read-report';
import { dayOf } from '../../src/registry/days';
import { registerReport, type RegisterDeps } from '../../src/registry/register-report';
import { parseSearch } from '../../src/registry/search-query';
import { searchErrors } from '../../src/registry/search';
import { DeferredIndexes } from '../../src/registry/deferred-indexes';
import { SettingsStore } from '../../src/registry/settings-store';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all, run } from '../../src/storage/sql';
import { errorsByReportText, errorsByText, SHARD_SIZE } from '../../src/storage/search-repo';
import { ZipStore } from '../../src/storage/zip-store';
import { buildReportZip, type ReportChanges } from '../helpers/build-report';
import { MED_SETTINGS } from '../helpers/pult-sim';

const silent = { info() {}, warn() {}, error() {} } as unknown as RegisterDeps['log'];

describe('parseSearch: any input is words or a Russian refusal, never FTS syntax', () => {
  it('lowercases words, makes words of 3+ characters prefixes, keeps short words exact', () => {
    assert.deepEqual(parseSearch('Лечащий ВРАЧ ид')?.match, 'лечащий* врач* ид');
  });
  it('reads operators and quotes as plain words', () => {
    assert.equal(parseSearch('"a" AND NOT (b OR c*) NEAR')?.match, 'a and* not* b or c near*');
  });
  it('refuses a query with no word, too long a query or too many words, in Russian', () => {
    for (const q of ['"', '***', '((( )))', 'я'.repeat(201), Array.from({ length: 13 }, (_, i) => `w${i}`).join(' ')]) {
      assert.throws(() => parseSearch(q), (e: Error) => /[а-я]/.test(e.message), q.slice(0, 20));
    }
  });
  it('is nothing for an empty query, and a number for "№ 12"', () => {
    assert.equal(parseSearch('  '), undefined);
    assert.equal(parseSearch('№ 12')?.number, 12);
  });
});

/** A real store in a fresh folder with intake's dependencies and its deferred indexes, wired as pult wires them. */
async function realStore(prefix: string): Promise<{ dir: string; deps: RegisterDeps; indexes: DeferredIndexes }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => {} });
  const settings = SettingsStore.open(dir);
  await settings.update(MED_SETTINGS as never);
  const indexes = new DeferredIndexes(store);
  return { dir, indexes, deps: { store, zips: new ZipStore(path.join(dir, 'zips')), settings, log: silent, indexes } };
}

/** The reports' search index agrees with what its view shows, and the database is whole. */
function assertSearchWhole(store: RegisterDeps['store']): void {
  assert.ok(store.read((db) => all(db, "INSERT INTO report_search (report_search) VALUES ('integrity-check') RETURNING 1 AS x")));
  assert.ok(store.read((db) => all(db, "INSERT INTO error_search (error_search) VALUES ('integrity-check') RETURNING 1 AS x")));
  assert.deepEqual(store.read((db) => all(db, 'PRAGMA integrity_check')), [{ integrity_check: 'ok' }]);
}

describe('searchErrors and the day counters on a real store', () => {
  let dir: string;
  let deps: RegisterDeps;
  const send = async (changes: ReportChanges, receivedAt = new Date()) =>
    registerReport(deps, { ...(await readReport(await buildReportZip(changes), 1 << 20)), ip: undefined, receivedAt });
  let indexes: DeferredIndexes;
  // As the list does: the batch of search words intake left is written first.
  const find = async (q: string) => {
    await indexes.catchUp();
    return deps.store.read((db) => searchErrors(db, parseSearch(q)!).errorIds);
  };

  before(async () => {
    ({ dir, deps, indexes } = await realStore('pult-search-'));
    await send({ texts: ['Не заполнено поле «Лечащий врач»'], userName: 'Петрова А.', clientId: 'pc-a', id: 'report-uid-1' }); // error 1
    await send({ texts: ['Деление на 0'], userName: 'Иванов И.', userDescription: 'нажал кнопку\nОтменить', clientId: 'pc-b', edit: (j) => (j.additionalInfo = 'Склад: Главный') }); // error 2
    await send({ texts: ['Деление на 0'], clientId: 'pc-b', userDescription: 'снова упало при записи' }); // folds into error 2's report
  });
  after(async () => {
    await deps.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds error texts by prefix in any case, Cyrillic and Latin', async () => {
    assert.deepEqual(await find('лечащ'), [1]);
    assert.deepEqual(await find('ДЕЛЕНИЕ'), [2]);
  });
  it('finds user names, descriptions (across a line break, and a folded repeat\'s), additionalInfo and computer ids', async () => {
    assert.deepEqual(await find('иванов'), [2]);
    assert.deepEqual(await find('отменить'), [2], 'the word after the line break');
    assert.deepEqual(await find('записи'), [2], 'the description the fold added');
    assert.deepEqual(await find('склад главный'), [2]);
    assert.deepEqual(await find('pc-a'), [1]);
  });
  it('finds the exact report id and the error number', async () => {
    assert.deepEqual((await find('report-uid-1'))[0], 1);
    assert.deepEqual((await find('2'))[0], 2);
  });
  it('requires every word', async () => {
    assert.deepEqual(await find('деление петрова'), []);
  });
  it('forgets a report that is deleted (the index follows every delete)', async () => {
    await send({ texts: ['Временная ошибка'], userName: 'Сидоров', clientId: 'pc-c' });
    assert.equal((await find('сидоров')).length, 1);
    await deps.store.write((db) => run(db, "DELETE FROM reports WHERE env_id IN (SELECT id FROM report_envs WHERE user_name = 'Сидоров')"));
    assert.deepEqual(await find('сидоров'), []);
    const integrity = deps.store.read((db) => all<{ x: string }>(db, "INSERT INTO report_search (report_search) VALUES ('integrity-check') RETURNING 1 AS x"));
    assert.ok(integrity);
  });
  it('finds a description folded into a report that was already indexed, and the earlier ones still', async () => {
    await send({ texts: ['Ошибка блокировки'], clientId: 'pc-d', userDescription: 'первое описание' });
    assert.equal((await find('первое')).length, 1, 'indexed by the batch');
    await send({ texts: ['Ошибка блокировки'], clientId: 'pc-d', userDescription: 'второе описание' }); // folds: the triggers re-index it
    const [id] = await find('первое');
    assert.deepEqual(await find('второе'), [id!]);
  });
  it('forgets a report deleted before the batch reached it, and the index stays whole', async () => {
    await send({ texts: ['Ошибка до индекса'], userName: 'Кузнецов', clientId: 'pc-e' });
    await deps.store.write((db) => run(db, "DELETE FROM reports WHERE env_id IN (SELECT id FROM report_envs WHERE user_name = 'Кузнецов')"));
    assert.deepEqual(await find('кузнецов'), []);
    assert.ok(deps.store.read((db) => all(db, "INSERT INTO report_search (report_search) VALUES ('integrity-check') RETURNING 1 AS x")));
  });
  it('writes a new error\'s texts in the batch, not with the report; one cleared before the batch leaves the index whole', async () => {
    const mark = () => Number(deps.store.read((db) => all<{ v: string }>(db, "SELECT value AS v FROM meta WHERE key = 'error_search_upto'"))[0]!.v);
    const lastError = () => deps.store.read((db) => all<{ id: number }>(db, 'SELECT MAX(id) AS id FROM errors'))[0]!.id;
    const texts = (match: string) => deps.store.read((db) => all<{ docid: number }>(db, 'SELECT docid FROM error_search WHERE error_search MATCH ?', [match])).map((r) => r.docid);
    await send({ texts: ['Неповторимая ошибка расчёта'], clientId: 'pc-g' });
    assert.equal(mark(), lastError() - 1, 'left for the batch');
    assert.deepEqual(texts('неповторимая'), []);
    assertSearchWhole(deps.store);
    assert.equal((await find('неповторимая')).length, 1, 'a search writes the batch first');
    assert.equal(mark(), lastError());
    assert.deepEqual(texts('неповторимая'), [lastError()]);
    // Another, removed (a clear) before the batch reached it.
    await send({ texts: ['Мимолётная ошибка'], clientId: 'pc-g' });
    const gone = lastError();
    await deps.store.write((db) => run(db, 'DELETE FROM errors WHERE id = ?', [gone]));
    assertSearchWhole(deps.store);
    assert.deepEqual(await find('мимолётная'), []);
    assertSearchWhole(deps.store);
  });
  it('indexes after a restart what the process registered and never indexed, and puts the problems in their places', async () => {
    await send({ texts: ['Ошибка перед остановкой'], userName: 'Соколов', clientId: 'pc-f' });
    const upto = () => deps.store.read((db) => all<{ v: string }>(db, "SELECT value AS v FROM meta WHERE key = 'report_search_upto'"))[0]!.v;
    const maxId = () => deps.store.read((db) => all<{ id: number }>(db, 'SELECT MAX(id) AS id FROM reports'))[0]!.id;
    assert.ok(Number(upto()) < maxId(), 'left for the batch');
    const check = deps.store.read((db) => all<{ integrity_check: string }>(db, 'PRAGMA integrity_check'));
    assert.deepEqual(check, [{ integrity_check: 'ok' }], 'the index and its content agree while reports wait for the batch');
    await deps.store.close();
    const store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => {} });
    indexes = new DeferredIndexes(store); // what a new process starts with: nothing in memory
    deps = { ...deps, store, indexes };
    assert.equal((await find('соколов')).length, 1);
    assert.equal(Number(upto()), maxId());
    const byCounters = deps.store.read((db) => all<{ id: number }>(db, 'SELECT id FROM problems ORDER BY reports_total DESC, id DESC')).map((r) => r.id);
    assert.ok(byCounters.length > 1);
    assert.deepEqual(indexes.orders.snapshot('reports'), byCounters, 'the orders are built at start from the counters');
  });
  it('counts reports and computers per Moscow day: a repeat the same day adds a report, not a computer', () => {
    const days = deps.store.read((db) => all<{ error_id: number; day: string; reports: number; computers: number }>(db, 'SELECT * FROM error_days WHERE error_id = 2'));
    assert.deepEqual(days, [{ error_id: 2, day: dayOf(new Date().toISOString()), reports: 2, computers: 1 }]);
  });
  it('counts the computer again on a later day', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    await send({ texts: ['Деление на 0'], clientId: 'pc-b', edit: (j) => (j.time = tomorrow.toISOString()) }, tomorrow);
    const day = deps.store.read((db) => all<{ reports: number; computers: number }>(db, 'SELECT reports, computers FROM error_days WHERE error_id = 2 AND day = ?', [dayOf(tomorrow.getTime())]));
    assert.deepEqual(day, [{ reports: 1, computers: 1 }]);
  });
  it('assigns Moscow days: 21:30 UTC is the next day', () => {
    assert.equal(dayOf('2026-03-01T21:30:00Z'), '2026-03-02');
    assert.equal(dayOf('2026-03-01T20:59:00Z'), '2026-03-01');
  });
});

describe('the search indexes in shards of report and error numbers (migrations 19 and 21)', () => {
  let dir: string;
  let deps: RegisterDeps;
  let indexes: DeferredIndexes;
  const send = async (changes: ReportChanges) =>
    registerReport(deps, { ...(await readReport(await buildReportZip(changes), 1 << 20)), ip: undefined, receivedAt: new Date() });
  const find = async (match: string, limit = 100) => {
    await indexes.catchUp();
    return deps.store.read((db) => errorsByReportText(db, match, limit));
  };
  const inShard = (match: string, shard: number) =>
    deps.store.read((db) => all<{ docid: number }>(db, 'SELECT docid FROM report_search WHERE report_search MATCH ? AND shard = ? ORDER BY docid', [match, shard]).map((r) => r.docid));
  /** The number of the i-th error made here. */
  const e = (i: number) => SHARD_SIZE - 3 + i;
  const whole = () => assertSearchWhole(deps.store);

  before(async () => {
    ({ dir, deps, indexes } = await realStore('pult-shards-'));
    // The next report and error numbers straddle the first shard boundary: two below it, two above.
    await deps.store.write((db) => run(db, "UPDATE meta SET value = ? WHERE key IN ('reports_high_water', 'errors_high_water')", [SHARD_SIZE - 3]));
    for (let i = 1; i <= 4; i++) await send({ texts: [`Ошибка шарда ${i}`], userName: 'Шардов', clientId: `pc-${i}`, userDescription: `описание ${i}` });
  });
  after(async () => {
    await deps.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts each report in the shard of its number', async () => {
    await indexes.catchUp();
    const ids = deps.store.read((db) => all<{ id: number }>(db, 'SELECT id FROM reports ORDER BY id').map((r) => r.id));
    assert.deepEqual(ids, [SHARD_SIZE - 2, SHARD_SIZE - 1, SHARD_SIZE, SHARD_SIZE + 1]);
    assert.deepEqual(inShard('шардов', 0), ids.slice(0, 2));
    assert.deepEqual(inShard('шардов', 1), ids.slice(2));
    const errorsIn = (shard: number) =>
      deps.store.read((db) => all<{ docid: number }>(db, "SELECT docid FROM error_search WHERE error_search MATCH 'шарда' AND shard = ? ORDER BY docid", [shard]).map((r) => r.docid));
    assert.deepEqual([errorsIn(0), errorsIn(1)], [[e(1), e(2)], [e(3), e(4)]]);
    assert.ok(deps.store.read((db) => all(db, "INSERT INTO error_search (error_search) VALUES ('integrity-check') RETURNING 1 AS x")));
    whole();
  });
  it('finds the newest matches first across shards, and stops at the limit', async () => {
    assert.deepEqual(await find('шардов'), [e(4), e(3), e(2), e(1)]);
    assert.deepEqual(await find('шардов', 3), [e(4), e(3), e(2)], 'the limit reaches into the older shard');
    assert.deepEqual(await find('шардов', 2), [e(4), e(3)], 'the newest shard alone fills it');
    assert.deepEqual(await find('описание 1'), [e(1)]);
    await indexes.catchUp();
    assert.deepEqual(deps.store.read((db) => searchErrors(db, parseSearch('ошибка шарда')!).errorIds), [e(4), e(3), e(2), e(1)], 'error texts too, newest first across shards');
    assert.deepEqual(deps.store.read((db) => errorsByText(db, 'шарда', 3)), [e(4), e(3), e(2)]);
  });
  it('re-indexes a folded description in its own shard', async () => {
    await send({ texts: ['Ошибка шарда 4'], userName: 'Шардов', clientId: 'pc-4', userDescription: 'дополнение' }); // folds into the report above the boundary
    assert.deepEqual(await find('дополнение'), [e(4)]);
    assert.deepEqual(inShard('дополнение', 1), [SHARD_SIZE + 1]);
    assert.deepEqual(inShard('дополнение', 0), []);
    assert.deepEqual(await find('описание 4'), [e(4)], 'the earlier description is kept');
    whole();
  });
  it('forgets a removed report of either shard, and searches only the shards that still hold reports', async () => {
    await deps.store.write((db) => run(db, 'DELETE FROM reports WHERE id IN (?, ?)', [SHARD_SIZE - 2, SHARD_SIZE]));
    assert.deepEqual(await find('шардов'), [e(4), e(2)]);
    await deps.store.write((db) => run(db, 'DELETE FROM reports WHERE id = ?', [SHARD_SIZE - 1]));
    assert.deepEqual(await find('шардов'), [e(4)]);
    assert.deepEqual(inShard('шардов', 0), []);
    whole();
  });
});

describe('a computer id is one word of the reports’ index (migration 23)', () => {
  const PC = 'B0F5E2A1-3C4D-4E5F-8A9B-0C1D2E3F4A5B';
  const JOINED = 'b0f5e2a13c4d4e5f8a9b0c1d2e3f4a5b';

  it('reads a UUID in the query as one word for the reports’ index and as its parts elsewhere', () => {
    const q = parseSearch(`${PC} склад`)!;
    assert.equal(q.reportMatch, `${JOINED}* склад*`);
    assert.equal(q.match, 'b0f5e2a1* 3c4d* 4e5f* 8a9b* 0c1d2e3f4a5b* склад*');
    assert.deepEqual(q.words.slice(0, 2), ['b0f5e2a1', '3c4d'], 'the parts are what the page highlights');
    assert.equal(parseSearch('склад главный')!.reportMatch, undefined);
    const three = [PC, PC.replace('B0', 'C0'), PC.replace('B0', 'D0')].join(' ');
    assert.equal(parseSearch(three)!.reportMatch!.split(' ').length, 3, 'three UUIDs are three words of the limit of 12, not fifteen');
    const five = [0, 1, 2, 3, 4].map((i) => `${i}0f5e2a1-${i}c4d-${i}e5f-${i}a9b-${i}c1d2e3f4a5b`).join(' ');
    assert.throws(() => parseSearch(`${five} a b c d e`), /не больше 12/, 'their 25 parts, searched too, are over twice the limit');
  });

  it('finds reports indexed before the upgrade by the parts and after it by the one word, and the index stays whole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-uuid-word-'));
    const settings = SettingsStore.open(dir);
    await settings.update(MED_SETTINGS as never);
    const zips = new ZipStore(path.join(dir, 'zips'));
    const openAt = async (migrations: typeof MIGRATIONS) => {
      const store = await openStore({ dir: path.join(dir, 'db'), migrations, log: () => {} });
      const indexes = new DeferredIndexes(store);
      const deps: RegisterDeps = { store, zips, settings, log: silent, indexes };
      const send = async (changes: ReportChanges) =>
        registerReport(deps, { ...(await readReport(await buildReportZip(changes), 1 << 20)), ip: undefined, receivedAt: new Date() });
      const find = async (q: string) => {
        await indexes.catchUp();
        return store.read((db) => searchErrors(db, parseSearch(q)!).errorIds);
      };
      const docs = (match: string) => store.read((db) => all<{ docid: number }>(db, 'SELECT docid FROM report_search WHERE report_search MATCH ?', [match]).map((r) => r.docid));
      return { store, send, find, docs };
    };
    try {
      const before = await openAt(MIGRATIONS.filter((m) => m.version < 23));
      await before.send({ texts: ['Ошибка до обновления'], clientId: PC });
      assert.deepEqual(await before.find(PC), [1]);
      await before.store.close();

      const after = await openAt(MIGRATIONS);
      await after.send({ texts: ['Ошибка после обновления'], clientId: PC });
      await after.send({ texts: ['Ошибка с другого компьютера'], clientId: 'c1a6f3b2-4d5e-4f60-9b0c-1d2e3f4a5b6c' });
      assert.deepEqual(await after.find(PC), [2, 1], 'both forms, newest first');
      assert.deepEqual(await after.find(PC.toLowerCase()), [2, 1]);
      assert.deepEqual(await after.find('b0f5e2a1'), [2, 1], 'the first part is a prefix of the one word');
      assert.deepEqual(await after.find('B0F5E2A1-3C4D'), [2, 1], 'so is a beginning typed with its dash');
      assert.deepEqual(after.docs(JOINED), [2], 'the new report holds the computer as one word');
      assert.deepEqual(after.docs('3c4d'), [1], 'the old one keeps its five parts');
      const whole = () => assertSearchWhole(after.store);
      whole();
      await after.store.write((db) => run(db, 'DELETE FROM reports WHERE id IN (1, 2)'));
      assert.deepEqual(await after.find(PC), []);
      assert.deepEqual([after.docs(JOINED), after.docs('3c4d')], [[], []], 'each delete took out the words it had put in');
      whole();
      await after.store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
