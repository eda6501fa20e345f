import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE, buildErrors, startApp, USERS } from './harness';

const PAGES = ['s/errorsList', 's/reports/1', 's/reports/1/zip/1', 's/settings', 's/clear', 's/nonexistent'];

describe('who may open the s/ pages', () => {
  it('refuses someone not logged in to KServer on every page, known or not, in Russian', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    for (const page of PAGES) {
      const res = await app.browser('anonymous').get(BASE + page);
      assert.equal(res.status, 403, page);
      assert.match(res.text, /Доступ запрещён: пользователь не выполнил вход/, page);
      assert.doesNotMatch(res.text, /Лечащий врач/, page);
    }
    const post = await app.browser('anonymous').post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' });
    assert.equal(post.status, 403);
  });

  it('refuses a user when the licence has no free seat, saying why', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('exhausted').get(`${BASE}s/errorsList`);
    assert.equal(res.status, 403);
    assert.match(res.text, /нет свободных лицензий/);
  });

  it('shows a reader their name and no administrator controls', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const res = await app.browser('reader').get(`${BASE}s/reports/1`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<span class="who" title="petrova">Петрова Анна<\/span>/);
    assert.doesNotMatch(res.text, /href="\/pult\/s\/clear"/);
    assert.doesNotMatch(res.text, /администратор<\/span>/);
    assert.match(res.text, /Взять в работу себе/, 'readers may take a problem');
  });

  it('shows an administrator the clear page in the menu and their role', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('admin').get(`${BASE}s/errorsList`);
    assert.match(res.text, new RegExp(`${USERS.admin.name} <span class="role">администратор</span>`));
    assert.match(res.text, /<a href="\/pult\/s\/clear">Очистка<\/a>/);
  });

  it('sends /pult/s/ to the errors list, and answers a reader 404 for an unknown page', async (t) => {
    const app = await startApp(t);
    const root = await app.browser('reader').get(`${BASE}s/`);
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, `${BASE}s/errorsList`);
    const unknown = await app.browser('reader').get(`${BASE}s/nonexistent`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /Страница не найдена/);
  });

  it('keeps the pages out of caches and inside our own CSP', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(`${BASE}s/errorsList`);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(res.text, /<script>|\son[a-z]+=/i, 'no inline scripts or handlers');
    assert.match(res.text, /<script src="\/pult\/static\/pult\.js" defer><\/script>/);
  });
});
