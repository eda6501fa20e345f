import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { planClear, startClear } from '../../src/registry/clear';
import { finishPendingDeletes } from '../../src/registry/pending-deletes';
import { oldestReportsOf, removeErrorRow, removeReports } from '../../src/storage/clear-repo';
import { writeProblemState } from '../../src/storage/problems-repo';
import { BASE, buildErrors, MED_SETTINGS, rows, startApp, type TestApp } from './harness';

const CLEAR = `${BASE}s/clear`;
const count = (app: TestApp, table: string) => rows<{ n: number }>(app.store, `SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;
const zipNames = (app: TestApp, errorId: number) =>
  rows<{ zip_name: string }>(app.store, 'SELECT zip_name FROM reports WHERE error_id = ?', [errorId]).map((r) => r.zip_name);

/** Samples registered under 2.0.6., then the rules narrowed to 2.0.6.46 only: error 1 (2.0.6.45) falls out. */
async function narrowed(t: Parameters<typeof startApp>[0]) {
  const app = await startApp(t);
  await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'with-attached-file', 'client-error-next-version');
  await app.settings.update({ ...MED_SETTINGS, configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.46'], recipients: [] }] });
  return app;
}

describe('GET /pult/s/clear', () => {
  it('shows an administrator what the current rules no longer accept, with counts and sizes, and asks', async (t) => {
    const app = await narrowed(t);
    const res = await app.browser('admin').get(CLEAR);
    assert.equal(res.status, 200);
    const table = res.text.slice(res.text.indexOf('<tbody>'), res.text.indexOf('</tbody>'));
    assert.match(table, /<td data-label="Версия">2\.0\.6\.45<\/td>/);
    assert.match(table, /Версия 2\.0\.6\.45 конфигурации «МедицинаБольница» не принимается этим сервисом/);
    assert.match(table, /<td class="num" data-label="Ошибок">1<\/td>\s*<td class="num" data-label="Отчётов">3<\/td>/);
    assert.doesNotMatch(table, /2\.0\.6\.46/, 'the accepted version is not offered');
    assert.match(res.text, /name="confirm" value="yes" required/);
    assert.match(res.text, /<input type="hidden" name="plan" value="[0-9a-f]{32}">/);
    assert.equal(count(app, 'errors'), 2, 'showing removes nothing');
  });

  it('sizes a group by the zips its reports stored, also after part of them was removed', async (t) => {
    const app = await narrowed(t);
    const stored = () => rows<{ n: number }>(app.store, 'SELECT COALESCE(SUM(zip_size), 0) AS n FROM reports WHERE error_id = 1')[0]!.n;
    const onDisk = zipNames(app, 1).reduce((n, name) => n + fs.statSync(app.zips.locate(name)!).size, 0);
    const planned = () => planClear(app.store, app.settings.get()).groups.find((g) => g.configVersion === '2.0.6.45')!;
    assert.ok(onDisk > 0);
    assert.equal(stored(), onDisk, 'the rows carry the sizes of the files');
    assert.deepEqual({ reports: planned().reports, bytes: planned().bytes }, { reports: 3, bytes: onDisk });
    // Retention and clear remove reports through removeReports: the plan counts what is left.
    await app.store.write((db) => removeReports(db, oldestReportsOf(db, 1, 1)));
    assert.deepEqual({ reports: planned().reports, bytes: planned().bytes }, { reports: 2, bytes: stored() });
    assert.ok(stored() < onDisk);
  });

  it('when everything is accepted, says there is nothing to remove', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const res = await app.browser('admin').get(CLEAR);
    assert.match(res.text, /Удалять нечего/);
    assert.doesNotMatch(res.text, /name="confirm"/);
  });

  it('is for administrators only: a reader gets 403', async (t) => {
    const app = await narrowed(t);
    const res = await app.browser('reader').get(CLEAR);
    assert.equal(res.status, 403);
    assert.match(res.text, /только администраторам pult/);
    assert.match(res.text, /<span class="who" title="petrova">Петрова Анна<\/span>/, 'the header still says who is looking');
    assert.match(res.text, /<a href="\/pult\/s\/errorsList">Ошибки<\/a>/, 'a reader keeps the menu of the pages they may read');
    assert.doesNotMatch(res.text, /Войти|Войдите/, 'a logged-in user is not told to log in');
  });

  it('warns that errors someone is working on (marked) go too', async (t) => {
    const app = await narrowed(t);
    const before = await app.browser('admin').get(CLEAR);
    assert.doesNotMatch(before.text, /data-worked-on/);
    const problem_id = rows<{ problem_id: number }>(app.store, 'SELECT problem_id FROM errors WHERE id = 1')[0]!.problem_id;
    await app.store.write((db) =>
      writeProblemState(db, problem_id, 1, { status: 'in-work', owner_login: 'petrova', owner_name: 'Петрова Анна', fixed_in: null, reason: null, no_more_reports: 0 }),
    );
    const res = await app.browser('admin').get(CLEAR);
    assert.match(res.text, new RegExp(`С частью этих ошибок работают: 1 ошибка взята в работу: <a href="/pult/s/reports/1#problem">ошибка №1</a> \\(проблема №${problem_id}\\)\\. Они тоже будут удалены`), 'named, with a link');
  });
});

describe('GET /pult/s/clear: many errors someone works on', () => {
  it('names the first ten of a group and says how many more', async (t) => {
    const app = await narrowed(t);
    const ids = await buildErrors(app.store, 12, (i) => ({ version: '2.0.6.45', texts: [`Ошибка в работе ${i}`] }));
    await app.store.write((db) => db.run(`UPDATE problems SET status = 'in-work' WHERE id IN (SELECT problem_id FROM errors WHERE id IN (${ids.map(() => '?').join(',')}))`, ids));
    const text = (await app.browser('admin').get(CLEAR)).text;
    const named = [...text.matchAll(/<a href="\/pult\/s\/reports\/(\d+)#problem">ошибка №\1<\/a>/g)].map((m) => Number(m[1]));
    assert.deepEqual(named, ids.slice(0, 10));
    assert.match(text, /12 ошибок взято в работу: .* и ещё 2\. Они тоже будут удалены/);
  });
});

describe('POST /pult/s/clear', () => {
  it('when confirmed, removes the errors, reports, report ids, notices and zips the rules no longer accept, and nothing else', async (t) => {
    const app = await narrowed(t);
    const goneZips = zipNames(app, 1).map((n) => app.zips.locate(n)!);
    const keptZips = zipNames(app, 2).map((n) => app.zips.locate(n)!);
    assert.equal(goneZips.length, 3);
    assert.equal(count(app, 'report_uids'), 5);
    const browser = app.browser('admin');
    const page = await browser.get(CLEAR);
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec(page.text)![1]!;
    const res = await browser.post(CLEAR, { plan, confirm: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, CLEAR);
    await app.jobs.idle();
    const done = await browser.get(CLEAR);
    assert.match(done.text, /Очистка выполнена/);
    assert.match(done.text, /удалено ошибок 1, отчётов 3 \(/);
    const reload = await browser.get(CLEAR);
    assert.doesNotMatch(reload.text, /Очистка выполнена/, 'said once, not on every F5');
    assert.match(reload.text, /Удалять нечего/);

    assert.deepEqual(rows(app.store, 'SELECT id FROM errors'), [{ id: 2 }]);
    assert.deepEqual(rows(app.store, 'SELECT DISTINCT error_id FROM reports'), [{ error_id: 2 }]);
    assert.equal(count(app, 'report_uids'), 1, 'the ids of removed reports (repeats included) are forgotten');
    assert.deepEqual(rows(app.store, 'SELECT error_id FROM notices'), [{ error_id: 2 }]);
    assert.equal(count(app, 'pending_deletes'), 0);
    for (const p of goneZips) assert.equal(fs.existsSync(p), false, p);
    for (const p of keptZips) assert.equal(fs.existsSync(p), true, p);
  });

  it('while a clear runs, the page shows its progress in a live region the script updates in place (no meta refresh); once done it is gone', async (t) => {
    const app = await narrowed(t);
    const plan = planClear(app.store, app.settings.get());
    // Started as the route starts it, but the batch runner not told yet: the job is there, not done.
    assert.equal(await startClear(app.store, app.settings, plan.digest), 'started');
    const running = (await app.browser('admin').get(CLEAR)).text;
    assert.match(running, /<h2>Очистка идёт<\/h2>/);
    assert.match(running, /<section class="card" data-clear-running>[^]*<div data-live role="status">[^]*<progress /);
    assert.doesNotMatch(running, /http-equiv="refresh"/, 'a refresh would move focus and the reader to the top (WCAG F41)');
    app.jobs.kick();
    await app.jobs.idle();
    const done = (await app.browser('admin').get(CLEAR)).text;
    assert.doesNotMatch(done, /Очистка идёт|data-clear-running/);
    assert.match(done, /<p class="muted" data-last-clear>Последняя очистка завершена/);
  });

  it('when the same confirmation comes again after the clear (F5, back and resubmit), says it is done, not that the rules changed', async (t) => {
    const app = await narrowed(t);
    const browser = app.browser('admin');
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec((await browser.get(CLEAR)).text)![1]!;
    assert.equal((await browser.post(CLEAR, { plan, confirm: 'yes' })).status, 303);
    await app.jobs.idle();
    await browser.get(CLEAR);
    const again = await browser.post(CLEAR, { plan, confirm: 'yes' });
    assert.equal(again.status, 303);
    const page = await browser.get(CLEAR);
    assert.match(page.text, /Эта очистка уже подтверждена и выполнена/);
    assert.doesNotMatch(page.text, /изменились|Ничего не удалено/);
    assert.match(page.text, /Удалять нечего/);
    assert.deepEqual(rows(app.store, 'SELECT id FROM errors'), [{ id: 2 }]);
  });

  it('when the rules changed so that nothing is left to clear, does not ask to confirm again', async (t) => {
    const app = await narrowed(t);
    const browser = app.browser('admin');
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec((await browser.get(CLEAR)).text)![1]!;
    await app.settings.update(MED_SETTINGS); // 2.0.6.45 is accepted again
    assert.equal((await browser.post(CLEAR, { plan, confirm: 'yes' })).status, 303);
    const page = await browser.get(CLEAR);
    assert.match(page.text, /ничего не удалено, и удалять теперь нечего/);
    assert.doesNotMatch(page.text, /подтвердите снова/);
    assert.equal(count(app, 'errors'), 2);
  });

  it('without the confirmation box, answers 400 and removes nothing', async (t) => {
    const app = await narrowed(t);
    const browser = app.browser('admin');
    const page = await browser.get(CLEAR);
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec(page.text)![1]!;
    const res = await browser.post(CLEAR, { plan });
    assert.equal(res.status, 400);
    assert.match(res.text, /Отметьте подтверждение/);
    assert.equal(count(app, 'errors'), 2);
  });

  it('when the rules changed after the page was shown, removes nothing and shows the new plan', async (t) => {
    const app = await narrowed(t);
    const browser = app.browser('admin');
    const page = await browser.get(CLEAR);
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec(page.text)![1]!;
    // Meanwhile another administrator narrows the rules further: error 2 would go too.
    await app.settings.update({ ...MED_SETTINGS, configurations: [] });
    const post = await browser.post(CLEAR, { plan, confirm: 'yes' });
    assert.equal(post.status, 303, 'POST → 303 → GET: F5 on the answer never posts again');
    assert.equal(post.headers.location, CLEAR);
    const res = await browser.get(CLEAR);
    assert.match(res.text, /Ничего не удалено/);
    assert.match(res.text, /<td data-label="Версия">2\.0\.6\.46<\/td>/);
    assert.equal(count(app, 'errors'), 2);
    assert.doesNotMatch((await browser.get(CLEAR)).text, /Ничего не удалено/, 'said once');
  });

  it('when the rules change while the confirmation counts its reports, starts nothing', async (t) => {
    const app = await narrowed(t);
    const plan = planClear(app.store, app.settings.get());
    assert.equal(plan.groups.length, 1);
    // The counting reads see the narrowed rules; by the transaction everything is accepted again.
    let asked = 0;
    const rules = { get: () => (asked++ === 0 ? app.settings.get() : MED_SETTINGS) };
    assert.equal(await startClear(app.store, rules, plan.digest), 'changed');
    assert.ok(asked >= 2, 'the rules are read again inside the transaction');
    assert.equal(count(app, 'jobs'), 0, 'no job for a plan the rules no longer give');
    assert.equal(count(app, 'errors'), 2);
  });

  it('when a reader posts (with a valid token), answers 403 and removes nothing', async (t) => {
    const app = await narrowed(t);
    const admin = app.browser('admin');
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec((await admin.get(CLEAR)).text)![1]!;
    const reader = app.browser('reader');
    await reader.get(`${BASE}s/errorsList`);
    const res = await reader.post(CLEAR, { plan, confirm: 'yes' });
    assert.equal(res.status, 403);
    assert.equal(count(app, 'errors'), 2);
    assert.equal(count(app, 'reports'), 4);
  });
});

describe('finishPendingDeletes (start-up after a crash between the rows and the files)', () => {
  it('removes the files the rows no longer name, tolerates ones already gone, and forgets them', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-other-pc');
    const names = zipNames(app, 1);
    const paths = names.map((n) => app.zips.locate(n)!);
    // The one write of a clear, then "crash" before the files go; one file is already gone.
    await app.store.write((db) => {
      removeReports(db, oldestReportsOf(db, 1, 100));
      removeErrorRow(db, 1);
    });
    fs.rmSync(paths[0]!);
    assert.equal(count(app, 'pending_deletes'), 2);
    const outcome = await finishPendingDeletes(app.store, app.zips);
    assert.deepEqual(outcome, { removed: 2, failed: 0 });
    assert.equal(count(app, 'pending_deletes'), 0);
    for (const p of paths) assert.equal(fs.existsSync(p), false);
  });
});
