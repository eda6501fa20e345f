import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReportZip } from '../helpers/build-report';
import { BASE, buildErrors, rows, startApp } from './harness';

const JSON_ACCEPT = { accept: 'application/json' };
const ids = (html: string) => [...html.matchAll(/<tr id="p(\d+)">/g)].map((m) => Number(m[1]));

/** Problem 1: the card bug (5 reports, 2 computers); problem 2: the exchange job (1 report). */
async function withBugs(t: Parameters<typeof startApp>[0]) {
  const app = await startApp(t);
  await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'client-error-next-version', 'client-error-one-extension', 'server-job-error');
  return app;
}

describe('errorsList: search (q)', () => {
  it('finds problems by a word prefix in any case, marks the hits in the escaped text, and answers JSON with the query', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const page = await browser.get(`${BASE}s/errorsList?q=${encodeURIComponent('ЛЕЧАЩ')}`);
    assert.equal(page.status, 200);
    assert.deepEqual(ids(page.text), [1]);
    assert.match(page.text, /<mark>Лечащ<\/mark>ий врач/);
    assert.match(page.text, /value="ЛЕЧАЩ"/, 'the box keeps the query');
    assert.match(page.text, /Найдено уникальных ошибок: <strong>3<\/strong>/);

    const json = JSON.parse((await browser.get(`${BASE}s/errorsList?q=resolve`, JSON_ACCEPT)).text);
    assert.deepEqual(json.items.map((i: { id: number }) => i.id), [2]);
    assert.deepEqual(json.query, { q: 'resolve', sort: 'last' });
    assert.equal(json.found, 1);
    assert.equal(json.truncated, false);
    // A new matching error is found by the very next search (the hits are kept only until a write).
    await buildErrors(app.store, 1, () => ({ config: 'МедицинаБольница', texts: ["Couldn't resolve proxy"] }));
    assert.equal(JSON.parse((await browser.get(`${BASE}s/errorsList?q=resolve`, JSON_ACCEPT)).text).found, 2);
    // A user name (a report field) finds the problem too.
    assert.deepEqual(JSON.parse((await browser.get(`${BASE}s/errorsList?q=${encodeURIComponent('петрова')}`, JSON_ACCEPT)).text).items.map((i: { id: number }) => i.id), [1]);
  });

  it('any input gives results or a Russian message: FTS syntax, quotes, markup, nothing but punctuation, too long', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    for (const q of ['"', 'NEAR/2 AND OR NOT', '*', 'врач" OR "x', '<script>alert(1)</script>', '^$%(){}[]:-', 'а'.repeat(300), 'врач врач врач']) {
      const res = await browser.get(`${BASE}s/errorsList?q=${encodeURIComponent(q)}`);
      assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status}`);
      assert.doesNotMatch(res.text, /<script>alert/);
      if (res.status === 400) assert.match(res.text, /[а-я]/);
    }
    const none = await browser.get(`${BASE}s/errorsList?q=${encodeURIComponent('().,')}`);
    assert.equal(none.status, 400);
    assert.match(none.text, /В запросе нет ни одного слова или числа/);
    const both = await browser.get(`${BASE}s/errorsList?q=a&q=b`);
    assert.equal(both.status, 400);
  });
});

describe('errorsList: filters and order', () => {
  it('sorts by reports, computers and first report; filters by status, «мои» and period; keeps them in the links and in JSON', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const get = async (query: string) => JSON.parse((await browser.get(`${BASE}s/errorsList?${query}`, JSON_ACCEPT)).text);
    assert.deepEqual((await get('sort=reports')).items.map((i: { id: number }) => i.id), [1, 2]);
    assert.deepEqual((await get('sort=computers')).items.map((i: { id: number }) => i.id), [1, 2]);
    assert.deepEqual((await get('sort=first')).items.map((i: { id: number }) => i.id), [2, 1]);

    await browser.get(`${BASE}s/reports/2`);
    assert.equal((await browser.post(`${BASE}s/errors/2/state`, { rev: '1', status: 'in-work' })).status, 303);
    assert.deepEqual((await get('status=in-work')).items.map((i: { id: number }) => i.id), [1]);
    assert.deepEqual((await get('owner=me')).items.map((i: { id: number }) => i.id), [1]);
    assert.deepEqual((await get('owner=me&status=new')).items, []);
    assert.deepEqual((await get('status=new')).items.map((i: { id: number }) => i.id), [2]);
    const mineAsAdmin = JSON.parse((await app.browser('admin').get(`${BASE}s/errorsList?owner=me`, JSON_ACCEPT)).text);
    assert.deepEqual(mineAsAdmin.items, [], '«мои» is the viewer');
    assert.equal((await get('period=24h')).items.length, 2, 'the samples were received just now');
    const old = rows<{ n: number }>(app.store, 'SELECT count(*) AS n FROM problems')[0]!.n;
    assert.equal(old, 2);

    const html = (await browser.get(`${BASE}s/errorsList?sort=reports&status=in-work`)).text;
    assert.match(html, /<option value="reports" selected>/);
    assert.match(html, /<option value="in-work" selected>/);
    assert.deepEqual((await get('sort=reports&status=in-work&owner=me')).query, { sort: 'reports', status: 'in-work', owner: 'me' });

    const bad = await browser.get(`${BASE}s/errorsList?sort=popular`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /ожидается last, first, reports, computers, users или trend/);
  });

  it('orders by what arrived a moment ago: reports registered between two page loads move their problem up at once', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const order = async (sort: string) => JSON.parse((await browser.get(`${BASE}s/errorsList?sort=${sort}`, JSON_ACCEPT)).text).items.map((i: { id: number }) => i.id);
    assert.deepEqual(await order('reports'), [1, 2]);
    for (let i = 0; i < 7; i++) await app.registerZip(await buildReportZip({ texts: ['Ошибка обмена: таймаут'], clientId: `pc-new-${i}`, id: `new-${i}` }));
    const third = rows<{ id: number }>(app.store, 'SELECT id FROM problems ORDER BY id DESC LIMIT 1')[0]!.id;
    assert.deepEqual(await order('reports'), [third, 1, 2], 'seven reports outrank five');
    assert.deepEqual(await order('computers'), [third, 1, 2]);
    assert.deepEqual((await order('last'))[0], third);
    // The orders in memory agree with the counters in the rows.
    for (const [sort, column] of [['last', 'last_seen'], ['reports', 'reports_total'], ['computers', 'computers'], ['users', 'users']] as const) {
      const byCounter = rows<{ id: number }>(app.store, `SELECT id FROM problems ORDER BY ${column} DESC, id DESC`).map((r) => r.id);
      assert.deepEqual(app.indexes.orders.snapshot(sort), byCounter, sort);
    }
  });
  it('pages in any order with before + key, and the next link keeps the filters', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const first = JSON.parse((await browser.get(`${BASE}s/errorsList?sort=reports`, JSON_ACCEPT)).text);
    assert.equal(first.next, null);
    const p1 = rows<{ reports_total: number }>(app.store, 'SELECT reports_total FROM problems WHERE id = 1')[0]!.reports_total;
    const after = JSON.parse((await browser.get(`${BASE}s/errorsList?sort=reports&before=1&key=${p1}`, JSON_ACCEPT)).text);
    assert.deepEqual(after.items.map((i: { id: number }) => i.id), [2]);
    const noKey = JSON.parse((await browser.get(`${BASE}s/errorsList?sort=reports&before=1`, JSON_ACCEPT)).text);
    assert.deepEqual(noKey.items.map((i: { id: number }) => i.id), [2], 'a link without key takes the row\'s value');
  });

  it('pages of 50 both ways in a chosen order: older, then newer gives the first page back', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 60, (i) => ({ texts: [`Ошибка ${i}`], reports: 1 + (i % 4) }));
    const browser = app.browser('reader');
    const get = async (url: string) => JSON.parse((await browser.get(url, JSON_ACCEPT)).text);
    const first = await get(`${BASE}s/errorsList?sort=reports`);
    assert.equal(first.items.length, 50);
    const reports = first.items.map((i: { reports: number }) => i.reports);
    assert.deepEqual(reports, [...reports].sort((a: number, b: number) => b - a), 'most reports first');
    const second = await get(first.next);
    assert.equal(second.items.length, 10);
    assert.equal(second.next, null);
    const page2 = (await browser.get(first.next)).text;
    const newer = /href="([^"]+)" rel="prev"/.exec(page2)![1]!.replaceAll('&amp;', '&');
    assert.deepEqual((await get(newer)).items.map((i: { id: number }) => i.id), first.items.map((i: { id: number }) => i.id));
    const all = new Set([...first.items, ...second.items].map((i: { id: number }) => i.id));
    assert.equal(all.size, 60, 'every problem once');
  });

  it('trend: the problem with more reports today than its daily average of the week before comes first', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const today = rows<{ day: string }>(app.store, 'SELECT max(day) AS day FROM error_days')[0]!.day;
    // Problem 1 had 50 a day last week: 5 today is a fall; problem 2 had none: 1 is growth.
    const week = new Date(Date.parse(`${today}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10);
    await app.store.write((db) => db.run('INSERT INTO error_days (error_id, day, reports, computers) VALUES (1, ?, 350, 1)', [week]));
    const json = JSON.parse((await browser.get(`${BASE}s/errorsList?sort=trend`, JSON_ACCEPT)).text);
    assert.deepEqual(json.items.map((i: { id: number }) => i.id), [2, 1]);
  });
});

describe('errorsList: the counts are exact on the first load after new errors (Why 2)', () => {
  it('a new configuration is in the filter and in the total on the very next page', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const before = (await browser.get(`${BASE}s/errorsList`)).text;
    assert.match(before, /Всего уникальных ошибок: <strong>4<\/strong>/);
    assert.doesNotMatch(before, /НоваяКонфигурация/);
    await buildErrors(app.store, 2, () => ({ config: 'НоваяКонфигурация', version: '1.0.0.1' }));
    const after = (await browser.get(`${BASE}s/errorsList`)).text;
    assert.match(after, /<option value="НоваяКонфигурация">НоваяКонфигурация \(2\)<\/option>/);
    assert.match(after, /Всего уникальных ошибок: <strong>6<\/strong>/);
  });
});

describe('errorsList: bulk change of the ticked problems', () => {
  it('goes through the state rules with each problem\'s revision: CSRF, history, a stale one left alone and reported', async (t) => {
    const app = await withBugs(t);
    const browser = app.browser('reader');
    const list = (await browser.get(`${BASE}s/errorsList`)).text;
    const boxes = [...list.matchAll(/name="sel" value="(\d+:\d+)"/g)].map((m) => m[1]!);
    assert.equal(boxes.length, 2);
    const noCsrf = await app.browser('reader').post(`${BASE}s/problems/bulk`, { sel: boxes, status: 'in-work' }, { cookie: 'Kodeks=reader' });
    assert.equal(noCsrf.status, 403);

    const done = await browser.post(`${BASE}s/problems/bulk`, { sel: boxes, status: 'in-work', back: `${BASE}s/errorsList?sort=reports` });
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, `${BASE}s/errorsList?sort=reports`);
    const state = rows<{ id: number; status: string; owner_login: string; rev: number }>(app.store, 'SELECT id, status, owner_login, rev FROM problems ORDER BY id');
    assert.deepEqual(state.map((p) => [p.status, p.owner_login, p.rev]), [['in-work', 'petrova', 2], ['in-work', 'petrova', 2]]);
    assert.equal(rows(app.store, "SELECT 1 FROM problem_events WHERE kind = 'state'").length, 2);
    assert.match((await browser.get(`${BASE}s/errorsList`)).text, /Отмеченные проблемы изменены/);

    // The same old revisions again: someone (we) changed them since; nothing is overwritten.
    const stale = await browser.post(`${BASE}s/problems/bulk`, { sel: boxes, status: 'new' });
    assert.equal(stale.status, 303);
    assert.deepEqual(rows<{ status: string }>(app.store, 'SELECT status FROM problems ORDER BY id').map((p) => p.status), ['in-work', 'in-work']);
    assert.match((await browser.get(`${BASE}s/errorsList`)).text, /их уже изменили другие/);

    const none = await browser.post(`${BASE}s/problems/bulk`, { status: 'new' });
    assert.equal(none.status, 400);
    assert.match(none.text, /не отмечено ни одной проблемы/);
    const json = await browser.post(`${BASE}s/problems/bulk`, { sel: boxes.map((b) => b.replace(/:\d+$/, ':2')), status: 'wontfix' }, { accept: 'application/json' });
    assert.deepEqual(JSON.parse(json.text), { changed: 0, conflicts: 0, refused: 2 }, 'wontfix needs a reason');
  });
});
