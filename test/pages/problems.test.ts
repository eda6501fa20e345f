import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReportZip } from '../helpers/build-report';
import { errorsOfProblem } from '../../src/storage/problems-repo';
import { BASE, rows, startApp, USERS, type TestApp } from './harness';

const JSON_ACCEPT = { accept: 'application/json' };
const problemOf = (app: TestApp, errorId: number) =>
  rows<{ id: number; status: string; owner_login: string | null; fixed_in: string | null; reason: string | null; rev: number }>(
    app.store,
    'SELECT p.id, p.status, p.owner_login, p.fixed_in, p.reason, p.rev FROM problems p JOIN errors e ON e.problem_id = p.id WHERE e.id = ?',
    [errorId],
  )[0]!;

/** The samples' one bug in three unique errors (2.0.6.45, 2.0.6.46, one extension fewer), plus another bug. */
async function withBug(t: Parameters<typeof startApp>[0]) {
  const app = await startApp(t);
  await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'client-error-next-version', 'client-error-one-extension', 'server-job-error');
  return app;
}

describe('problems: the list and the error page', () => {
  it('shows one row for the bug that spans versions and extension sets, with its numbers; the unique errors one click away', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('reader');
    const res = await browser.get(`${BASE}s/errorsList`);
    assert.equal(res.status, 200);
    assert.deepEqual([...res.text.matchAll(/<tr id="p(\d+)">/g)].map((m) => Number(m[1])), [2, 1]);
    const row = res.text.slice(res.text.indexOf('<tr id="p1">'), res.text.indexOf('<tr id="p1">') + 4000);
    assert.match(row, /<li>2\.0\.6\.46<\/li><li>2\.0\.6\.45<\/li>/, 'versions, newest first');
    assert.match(row, /уникальных ошибок: 3, наборов расширений: 2/);
    assert.match(row, /5<div class="muted small" title="Разных компьютеров">2 комп\.<\/div>/, 'reports with repeats, distinct computers over all its errors');
    assert.match(row, /<span class="status status-new">новая<\/span>/);
    assert.match(res.text, /href="\/pult\/s\/errorsList\?view=errors">Уникальные ошибки по версиям<\/a>/);

    const json = JSON.parse((await browser.get(`${BASE}s/errorsList`, JSON_ACCEPT)).text);
    assert.deepEqual(json.items[1], {
      id: 1,
      errors: [1, 2, 3],
      versions: ['2.0.6.46', '2.0.6.45'],
      status: 'new',
      owner: null,
      fixedIn: null,
      reports: 5,
      computers: 2,
      users: 2,
      // Stored report rows with a screenshot: the repeat folded into its computer's report adds none.
      screenshots: 4,
      files: 0,
      crashes: 0,
      firstSeen: json.items[1].firstSeen,
      lastSeen: json.items[1].lastSeen,
      rev: 1,
    });
    assert.equal(json.next, null);
  });

  it('the error page shows its problem and the problem\'s other unique errors; JSON gives error, problem and state', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('reader');
    const page = await browser.get(`${BASE}s/reports/2`);
    assert.match(page.text, /<h2>Проблема №1: /);
    assert.match(page.text, /<a href="\/pult\/s\/reports\/1#problem">№1<\/a> — версия 2\.0\.6\.45/);
    assert.match(page.text, /<strong>№2<\/strong> <span class="muted">\(эта\)<\/span> — версия 2\.0\.6\.46/);
    const json = JSON.parse((await browser.get(`${BASE}s/reports/2`, JSON_ACCEPT)).text);
    assert.equal(json.error.id, 2);
    assert.equal(json.error.configVersion, '2.0.6.46');
    assert.deepEqual(json.problem.errors, [1, 2, 3]);
    assert.deepEqual({ status: json.state.status, owner: json.state.owner, rev: json.state.rev, history: json.state.history }, { status: 'new', owner: null, rev: 1, history: [] });
  });
});

describe('POST /pult/s/errors/N/state', () => {
  it('taking a problem puts yourself (303 back), marking it fixed needs the version; both are in the history', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/3`);
    const taken = await browser.post(`${BASE}s/errors/3/state`, { rev: '1', status: 'in-work' });
    assert.equal(taken.status, 303);
    assert.equal(taken.headers.location, `${BASE}s/reports/3#problem`);
    assert.deepEqual({ ...problemOf(app, 1) }, { id: 1, status: 'in-work', owner_login: USERS.reader.login, fixed_in: null, reason: null, rev: 2 });

    const missing = await browser.post(`${BASE}s/errors/1/state`, { rev: '2', status: 'fixed' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Укажите версию, в которой ошибка исправлена/);
    const fixed = await browser.post(`${BASE}s/errors/1/state`, { rev: '2', status: 'fixed', fixedIn: '2.0.7.1', comment: 'Исправлено в форме\nпроверено' }, JSON_ACCEPT);
    assert.equal(fixed.status, 200);
    const body = JSON.parse(fixed.text);
    assert.equal(body.problem.status, 'fixed');
    assert.equal(body.problem.fixedIn, '2.0.7.1');
    assert.equal(body.problem.owner, USERS.reader.login, 'the owner stays');
    assert.equal(body.problem.rev, 4, 'the state and the comment each moved the revision');
    assert.deepEqual(body.state.history.map((h: { kind: string }) => h.kind), ['comment', 'state', 'state']);
    assert.equal(body.state.history[0].comment, 'Исправлено в форме\nпроверено');

    const page = await browser.get(`${BASE}s/reports/2`);
    assert.match(page.text, /<span class="status status-fixed">исправлена в версии 2\.0\.7\.1<\/span>/);
    assert.match(page.text, /статус: в работе → исправлена в версии 2\.0\.7\.1/);
    assert.match(page.text, /ответственный: нет → Петрова Анна/);
  });

  it('two people at once: the change made on the stale page is refused with what changed meanwhile (409 for JSON), nothing overwritten', async (t) => {
    const app = await withBug(t);
    const reader = app.browser('reader');
    const admin = app.browser('admin');
    await reader.get(`${BASE}s/reports/1`);
    await admin.get(`${BASE}s/reports/1`);
    assert.equal(reader.rev, '1');
    assert.equal(admin.rev, '1');
    const [first, second] = await Promise.all([
      admin.post(`${BASE}s/errors/1/state`, { rev: admin.rev, status: 'wontfix', reason: 'Так задумано' }),
      reader.post(`${BASE}s/errors/2/state`, { rev: reader.rev, status: 'in-work' }, JSON_ACCEPT),
    ]);
    assert.equal(first.status, 303);
    assert.equal(second.status, 409);
    const refused = JSON.parse(second.text);
    assert.equal(refused.code, 'conflict');
    assert.equal(refused.rev, 2);
    assert.match(refused.error, /Пока страница была открыта, проблему №1 изменили/);
    assert.equal(refused.changes[0].who, USERS.admin.name);
    assert.match(refused.changes[0].what, /статус: новая → не исправлять; причина: Так задумано/);
    assert.deepEqual({ ...problemOf(app, 1) }, { id: 1, status: 'wontfix', owner_login: null, fixed_in: null, reason: 'Так задумано', rev: 2 });

    const html = await reader.post(`${BASE}s/errors/1/state`, { rev: '1', comment: 'мой комментарий' });
    assert.equal(html.status, 409);
    assert.match(html.text, /Администратор Пульта: статус: новая → не исправлять/);
    assert.equal(rows(app.store, "SELECT id FROM problem_events WHERE kind = 'comment'").length, 0);
  });

  it('refuses what the contract does not allow, with a Russian 400, and changes nothing', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/1`);
    for (const [fields, message] of [
      [{ status: 'closed', rev: '1' }, /ожидается new, in-work, fixed, wontfix или regression/],
      [{ status: 'in-work' }, /«rev»/],
      [{ status: 'fixed', fixedIn: '7.1; DROP', rev: '1' }, /не версия 1С/],
      [{ status: 'wontfix', rev: '1' }, /Укажите причину/],
      [{ status: 'in-work', owner: 'nobody-here', rev: '1' }, /Пользователь KServer «nobody-here» не найден/],
      [{ rev: '1' }, /Нечего изменять/],
    ] as const) {
      const res = await browser.post(`${BASE}s/errors/1/state`, fields as Record<string, string>, JSON_ACCEPT);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(JSON.parse(res.text).error, message);
    }
    assert.equal(problemOf(app, 1).rev, 1);
    assert.equal((await browser.post(`${BASE}s/errors/99/state`, { rev: '1', status: 'in-work' })).status, 404);
  });

  it('a report of version ≥ X of a problem fixed in X reopens it as a regression with a notice; an older version is only counted', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('admin');
    await browser.get(`${BASE}s/reports/1`);
    await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'fixed', fixedIn: '2.0.6.47' });
    const older = await app.registerZip(await buildReportZip({ version: '2.0.6.46', clientId: 'pc-old' }));
    assert.equal(older.kind, 'new-report');
    assert.equal(problemOf(app, 1).status, 'fixed');
    const newer = await app.registerZip(await buildReportZip({ version: '2.0.6.47', clientId: 'pc-new' }));
    assert.equal(newer.kind, 'new-error');
    const p = problemOf(app, 1);
    assert.equal(p.status, 'regression');
    assert.equal(p.fixed_in, '2.0.6.47', 'what did not hold is kept');
    assert.equal(problemOf(app, (newer as { errorId: number }).errorId).id, 1, 'the new version joined the problem');
    const notices = rows<{ kind: string; error_id: number }>(app.store, "SELECT kind, error_id FROM notices WHERE kind = 'regression'");
    assert.deepEqual(notices.map((n) => ({ ...n })), [{ kind: 'regression', error_id: (newer as { errorId: number }).errorId }]);
    const page = await browser.get(`${BASE}s/reports/1`);
    assert.match(page.text, /pult<\/strong>: регрессия: отчёт версии 2\.0\.6\.47/);
  });

  it('the old mark address changes nothing and leads to the error page', async (t) => {
    const app = await withBug(t);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/1`);
    const res = await browser.post(`${BASE}s/errors/1/mark`, { action: 'set' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `${BASE}s/reports/1#problem`);
    assert.equal(problemOf(app, 1).rev, 1);
  });
});

describe('merge and split', () => {
  it('merges two problems of one configuration and splits a unique error out again; both recorded; new errors follow the merge', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-next-version', 'minimal');
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/3`);
    const merged = await browser.post(`${BASE}s/errors/3/merge`, { rev: '1', into: '1' }, JSON_ACCEPT);
    assert.equal(merged.status, 200, merged.text);
    const body = JSON.parse(merged.text);
    assert.deepEqual(body.problem.errors, [1, 2, 3]);
    assert.match(body.state.history[0].text, /объединена с проблемой №2: ошибки №3/);
    assert.equal(rows(app.store, 'SELECT id FROM problems').length, 1);
    // "Деление на 0" of another version now joins problem 1.
    const next = await app.registerZip(await buildReportZip({ version: '2.0.6.50', edit: (j) => (j.errorInfo.applicationErrorInfo.errors = [['Деление на 0', []]]) }, 'minimal'));
    assert.equal(problemOf(app, (next as { errorId: number }).errorId).id, 1);

    const stale = await browser.post(`${BASE}s/errors/1/split`, { rev: '1' }, JSON_ACCEPT);
    assert.equal(stale.status, 409);
    const split = await browser.post(`${BASE}s/errors/2/split`, { rev: String(body.problem.rev) }, JSON_ACCEPT);
    assert.equal(split.status, 200, split.text);
    const after = JSON.parse(split.text);
    assert.deepEqual(after.problem.errors, [2]);
    assert.match(after.state.history[0].text, /выделена из проблемы №1 \(ошибка №2\)/);
    assert.equal(after.problem.reports, 1);
    const rest = JSON.parse((await browser.get(`${BASE}s/reports/1`, JSON_ACCEPT)).text);
    assert.deepEqual(rest.problem.errors, [1, 3, 4]);
    assert.match(rest.state.history[0].text, /ошибка №2 выделена в отдельную проблему/);

    const other = await browser.post(`${BASE}s/errors/1/merge`, { rev: String(rest.problem.rev), into: '1' });
    assert.equal(other.status, 422, 'already one problem');
  });
});

describe('a problem with more unique errors than a page shows', () => {
  it('shows the newest ones: versions sent last are never the ones left out', async (t) => {
    const app = await startApp(t, { configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: [] }], userMessage: '', dumpType: 0 });
    for (let i = 1; i <= 5; i++) await app.registerZip(await buildReportZip({ version: `2.0.6.${100 + i}`, clientId: `pc-${i}` }));
    const problem = rows<{ problem_id: number }>(app.store, 'SELECT problem_id FROM errors WHERE id = 1')[0]!.problem_id;
    const shown = app.store.read((db) => errorsOfProblem(db, problem, 3)).map((e) => e.config_version);
    assert.deepEqual(shown, ['2.0.6.103', '2.0.6.104', '2.0.6.105']);
  });
});
