import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE, buildErrors, rows, startApp, USERS } from './harness';

type MarkRow = { mark_login: string | null; mark_name: string | null; mark_at: string | null };
const markOf = (app: Awaited<ReturnType<typeof startApp>>, id: number) =>
  rows<MarkRow>(app.store, 'SELECT mark_login, mark_name, mark_at FROM errors WHERE id = ?', [id])[0];

describe('POST /pult/s/errors/N/mark', () => {
  it('when a reader sets the mark from the list, records who and when and goes back to the same place', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 3, (i) => ({ version: i === 1 ? '2.0.6.44' : '2.0.6.45' }));
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/errorsList?version=2.0.6.45`);
    const before = Date.now();
    const res = await browser.post(`${BASE}s/errors/3/mark`, { action: 'set', back: `${BASE}s/errorsList?version=2.0.6.45#e3` });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `${BASE}s/errorsList?version=2.0.6.45#e3`);
    const mark = markOf(app, 3)!;
    assert.equal(mark.mark_login, USERS.reader.login);
    assert.equal(mark.mark_name, USERS.reader.name);
    assert.match(mark.mark_at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Date.parse(mark.mark_at!) >= before - 1000);

    const page = await browser.get(`${BASE}s/errorsList?version=2.0.6.45`);
    const row = page.text.slice(page.text.indexOf('<tr id="e3">'));
    assert.match(row, /Метка установлена/);
    assert.match(row, /<span class="mark-who" title="petrova">Петрова Анна<\/span>/);
    assert.match(row, /<input type="hidden" name="action" value="clear">/);
  });

  it('clears the mark: the columns become empty again', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/1`);
    await browser.post(`${BASE}s/errors/1/mark`, { action: 'set' });
    const res = await browser.post(`${BASE}s/errors/1/mark`, { action: 'clear' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `${BASE}s/reports/1`, 'without a back field: the error page');
    assert.deepEqual({ ...markOf(app, 1) }, { mark_login: null, mark_name: null, mark_at: null });
  });

  it('answers the page script with JSON {mark} and no redirect', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('admin');
    await browser.get(`${BASE}s/errorsList`);
    const set = await browser.post(`${BASE}s/errors/1/mark`, { action: 'set' }, { accept: 'application/json', 'x-csrf-token': browser.csrf });
    assert.equal(set.status, 200);
    const body = JSON.parse(set.text);
    assert.equal(body.mark.login, USERS.admin.login);
    assert.equal(body.mark.name, USERS.admin.name);
    assert.equal(body.mark.at, markOf(app, 1)!.mark_at);
    assert.match(body.mark.atText, /^\d\d\.\d\d\.\d{4}, \d\d:\d\d МСК$/);
    const cleared = await browser.post(`${BASE}s/errors/1/mark`, { action: 'clear' }, { accept: 'application/json' });
    assert.deepEqual(JSON.parse(cleared.text), { mark: null });
  });

  it('never redirects elsewhere than our own s/ pages', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/errorsList`);
    for (const back of ['https://evil.example/', '//evil.example/pult/s/', `${BASE}s/../../evil`, '/other/s/x', `${BASE}s/x\\y`, 'javascript:alert(1)']) {
      const res = await browser.post(`${BASE}s/errors/1/mark`, { action: 'set', back });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `${BASE}s/reports/1`, back);
    }
  });

  it('when the KServer user is unknown (not logged in), refuses and changes nothing', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('ghost');
    await browser.get(`${BASE}s/errorsList`);
    const res = await browser.post(`${BASE}s/errors/1/mark`, { action: 'set' });
    assert.equal(res.status, 403);
    assert.match(res.text, /только пользователь, выполнивший вход в KServer/);
    assert.equal(markOf(app, 1)!.mark_at, null);
  });

  it('answers 404 for an unknown error and 400 for an unknown action', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/errorsList`);
    assert.equal((await browser.post(`${BASE}s/errors/42/mark`, { action: 'set' })).status, 404);
    assert.equal((await browser.post(`${BASE}s/errors/1/mark`, { action: 'drop' })).status, 400);
    assert.equal(markOf(app, 1)!.mark_at, null);
  });

  it('is POST only: a GET changes nothing', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const res = await app.browser('reader').get(`${BASE}s/errors/1/mark?action=set`);
    assert.equal(res.status, 405);
    assert.equal(markOf(app, 1)!.mark_at, null);
  });
});
