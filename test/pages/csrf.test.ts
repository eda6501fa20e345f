import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BASE, buildErrors, rows, startApp, type TestApp } from './harness';

const statusOf = (app: TestApp) =>
  rows<{ status: string }>(app.store, 'SELECT p.status FROM problems p JOIN errors e ON e.problem_id = p.id WHERE e.id = 1')[0]!.status;

async function readerOnList(t: Parameters<typeof startApp>[0]) {
  const app = await startApp(t);
  await buildErrors(app.store, 1);
  const browser = app.browser('reader');
  await browser.get(`${BASE}s/reports/1`);
  return { app, browser };
}

describe('CSRF protection of the s/ area', () => {
  it('sets a random HttpOnly, SameSite=Strict cookie on the first page, scoped to /pult/, once', async (t) => {
    const app = await startApp(t);
    const a = app.browser('reader');
    const first = await a.get(`${BASE}s/errorsList`);
    const cookie = (first.headers['set-cookie'] ?? []).find((c) => c.startsWith('pult_csrf='));
    assert.ok(cookie, 'cookie set');
    assert.match(cookie, /^pult_csrf=[A-Za-z0-9_-]{43}; path=\/pult\/; samesite=strict; httponly$/);
    const again = await a.get(`${BASE}s/settings`);
    assert.equal((again.headers['set-cookie'] ?? []).some((c) => c.startsWith('pult_csrf=')), false, 'kept, not replaced');
    const b = app.browser('reader');
    await b.get(`${BASE}s/errorsList`);
    assert.notEqual(a.cookies.get('pult_csrf'), b.cookies.get('pult_csrf'));
  });

  it('accepts the form token and, from the page script, the X-CSRF-Token header', async (t) => {
    const { app, browser } = await readerOnList(t);
    assert.equal((await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' })).status, 303);
    const viaHeader = await browser.post(`${BASE}s/errors/1/state`, { rev: '2', status: 'new', _csrf: '' }, { 'x-csrf-token': browser.csrf, accept: 'application/json' });
    assert.equal(viaHeader.status, 200);
    assert.equal(statusOf(app), 'new');
  });

  it('refuses a POST without a token: 403, nothing changed', async (t) => {
    const { app, browser } = await readerOnList(t);
    const res = await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work', _csrf: '' });
    assert.equal(res.status, 403);
    assert.match(res.text, /Форма устарела или отправлена с чужой страницы/);
    assert.equal(statusOf(app), 'new');
  });

  it('refuses a wrong token, and a token made for another cookie', async (t) => {
    const { app, browser } = await readerOnList(t);
    assert.equal((await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work', _csrf: 'x'.repeat(43) })).status, 403);
    // An attacker's own valid pair does not fit the victim's cookie.
    const attacker = app.browser('reader');
    await attacker.get(`${BASE}s/errorsList`);
    assert.equal((await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work', _csrf: attacker.csrf })).status, 403);
    assert.equal(statusOf(app), 'new');
  });

  it('refuses a token without its cookie', async (t) => {
    const { app, browser } = await readerOnList(t);
    browser.cookies.delete('pult_csrf');
    assert.equal((await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' })).status, 403);
    assert.equal(statusOf(app), 'new');
  });

  it('refuses a POST from a foreign Origin or marked cross-site even with a valid token', async (t) => {
    const { app, browser } = await readerOnList(t);
    const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of foreign) {
      const res = await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' }, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal(statusOf(app), 'new');
    const same = await browser.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' }, { origin: `http://127.0.0.1:${app.port}`, 'sec-fetch-site': 'same-origin' });
    assert.equal(same.status, 303);
  });

  it('guards the settings and the clear forms the same way', async (t) => {
    const app = await startApp(t);
    await app.settings.update({ configurations: [], userMessage: '', dumpType: 0 });
    await buildErrors(app.store, 1);
    const admin = app.browser('admin');
    const page = await admin.get(`${BASE}s/clear`);
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec(page.text)![1]!;
    const before = fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8');
    assert.equal((await admin.post(`${BASE}s/settings`, { name_0: 'X', mode_0: 'all', _csrf: '' })).status, 403);
    assert.equal((await admin.post(`${BASE}s/clear`, { plan, confirm: 'yes', _csrf: 'forged' })).status, 403);
    assert.equal(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'), before);
    assert.equal(rows(app.store, 'SELECT id FROM errors').length, 1);
  });
});

describe('GET requests never change anything', () => {
  it('leaves the database, the zips and the settings as they were, whatever the query says', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-other-pc');
    await app.settings.update({ configurations: [], userMessage: '', dumpType: 0 });
    // What the batches write a second after intake (registry/deferred-indexes.ts), written
    // now: with it done, a GET has nothing at all to write.
    await app.indexes.catchUp();
    const snapshot = () =>
      JSON.stringify({
        errors: rows(app.store, 'SELECT * FROM errors'),
        problems: rows(app.store, 'SELECT * FROM problems'),
        reports: rows(app.store, 'SELECT * FROM reports'),
        uids: rows(app.store, 'SELECT * FROM report_uids'),
        pending: rows(app.store, 'SELECT * FROM pending_deletes'),
        meta: rows(app.store, 'SELECT * FROM meta'),
        settings: fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'),
        zips: rows<{ zip_name: string }>(app.store, 'SELECT zip_name FROM reports').map((r) => fs.existsSync(app.zips.locate(r.zip_name) ?? '')),
      });
    const before = snapshot();
    const admin = app.browser('admin');
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec((await admin.get(`${BASE}s/clear`)).text)![1]!;
    for (const url of [
      `${BASE}s/errorsList?action=set`,
      `${BASE}s/reports/1?action=set`,
      `${BASE}s/reports/1/zip/1`,
      `${BASE}s/errors/1/state?rev=1&status=in-work&_csrf=${admin.csrf}`,
      `${BASE}s/settings?name_0=X&mode_0=all&_csrf=${admin.csrf}`,
      `${BASE}s/clear?plan=${plan}&confirm=yes&_csrf=${admin.csrf}`,
    ]) {
      const res = await admin.get(url);
      assert.ok(res.status < 500, `${url}: ${res.status}`);
    }
    assert.equal(snapshot(), before);
  });
});
