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
      assert.match(res.text, /Страницы pult открываются после входа в KServer\./, page);
      assert.doesNotMatch(res.text, /Лечащий врач/, page);
      assert.doesNotMatch(res.text, /href="\/pult\/s\//, `${page}: no menu that only leads to more 403s`);
      assert.match(res.text, /<a class="button" href="\/" data-login>Войти в KServer<\/a>/, `${page}: a way to log in (the KServer start page, when no loginUrl is configured)`);
      assert.doesNotMatch(res.text, /class="who"/);
    }
    const post = await app.browser('anonymous').post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work' });
    assert.equal(post.status, 403);
  });

  it('refuses a logged-in user without access: says who they are and what to do, without licence numbers or a login prompt', async (t) => {
    const logged: string[] = [];
    const app = await startApp(t, undefined, { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: () => undefined });
    const res = await app.browser('exhausted').get(`${BASE}s/errorsList`);
    assert.equal(res.status, 403);
    assert.match(res.text, /<span class="who" title="ivanov">Иванов Пётр<\/span>/, 'the header says who is looking');
    assert.match(res.text, /У пользователя «Иванов Пётр» нет доступа к страницам pult\./);
    assert.match(res.text, /заняты все рабочие места по лицензии/);
    assert.doesNotMatch(res.text, /Войти|Войдите|data-login/, 'a logged-in user is not told to log in');
    assert.doesNotMatch(res.text, /50101|:\s*[А-ЯЁ]/, 'no licence number, no capital after a colon');
    assert.doesNotMatch(res.text, /href="\/pult\/s\//, 'no menu of pages that would answer 403 too');
    assert.doesNotMatch(res.text, /<nav/, 'no empty menu landmark either');
    assert.ok(logged.some((l) => l.includes('ivanov') && l.includes('нет свободных лицензий')), 'the monitor\'s reason goes to the log');
    const json = await app.browser('exhausted').get(`${BASE}s/errorsList`, { accept: 'application/json' });
    assert.deepEqual(JSON.parse(json.text), { error: 'У пользователя «Иванов Пётр» нет доступа к страницам pult.', code: 'access-denied' });
  });

  it('sends an anonymous visitor to the configured login page, coming back to the page asked for', async (t) => {
    const app = await startApp(t, undefined, undefined, { loginUrl: '/_sim/login?next={next}' });
    const res = await app.browser('anonymous').get(`${BASE}s/reports/1?before=5`);
    assert.equal(res.status, 403);
    assert.match(res.text, /href="\/_sim\/login\?next=%2Fpult%2Fs%2Freports%2F1%3Fbefore%3D5" data-login/);
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

  it('the public home page offers no menu of s/ pages (each would be a 403 to a visitor without access), only the button that says whom the list is for', async (t) => {
    const app = await startApp(t);
    const res = await app.request('GET', BASE);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Сервис регистрации ошибок 1С:Предприятия<\/h1>/);
    assert.doesNotMatch(res.text, /<nav/, 'no menu, not even an empty landmark');
    assert.equal([...res.text.matchAll(/href="\/pult\/s\//g)].length, 1, 'one link into s/: the button');
    assert.match(res.text, /Открыть список ошибок<\/a> <span class="muted">— для сотрудников с доступом в KServer/);
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
