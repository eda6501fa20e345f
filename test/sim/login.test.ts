import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE_CONFIG, request, startTestSim, type TestSim } from './helpers';

describe('the login page /_sim/login', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim(
      { probe: 'probe' },
      { users: [...BASE_CONFIG.users!, { id: 99, login: 'evil', name: '<script>alert(1)</script>' }] },
    );
  });
  after(() => t?.stop());

  const login = (body: string) =>
    request(`${t.sim.url}/_sim/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('lists the configured users, escaped, in Russian', async () => {
    const page = await request(`${t.sim.url}/_sim/login?next=/probe/echo`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="ru">/);
    assert.match(page.text, /Вход в симулятор KServer/);
    assert.match(page.text, /value="reader"/);
    assert.match(page.text, /заблокирован/);
    assert.match(page.text, /name="next" value="\/probe\/echo"/);
    assert.ok(!page.text.includes('<script>alert'));
    assert.ok(page.text.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
  });

  it('sets the Kodeks cookie to a new session and goes to a local next; UserInfo then sees that user', async () => {
    const res = await login('login=reader&next=%2Fprobe%2Fecho%3Fa%3D1');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/probe/echo?a=1');
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    const match = /^Kodeks=(\d+); Path=\/; HttpOnly; SameSite=Lax$/.exec(cookie);
    assert.ok(match, cookie);

    const info = await t.call('UserInfo', [], { cookie: `Kodeks=${match[1]}`, sessionFromRequest: true });
    assert.equal(info.ok && info.value.login, 'reader');
    const index = await request(`${t.sim.url}/_sim/`, { headers: { cookie: `Kodeks=${match[1]}` } });
    assert.match(index.text, /Вы вошли как <b>Читатель<\/b> \(reader/);
  });

  it('never redirects off the server', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'relative']) {
      const res = await login(`login=guest&next=${encodeURIComponent(next)}`);
      assert.equal(res.headers.location, '/_sim/', next);
    }
  });

  it('refuses an unknown login', async () => {
    const res = await login('login=nobody');
    assert.equal(res.status, 400);
    assert.match(res.text, /Нет пользователя с логином «nobody»/);
    assert.equal(res.headers['set-cookie'], undefined);
  });

  it('logs out: clears the cookie and ends the session', async () => {
    const session = /^Kodeks=(\d+)/.exec((await login('login=admin')).headers['set-cookie']![0]!)![1];
    const out = await request(`${t.sim.url}/_sim/logout`, { headers: { cookie: `Kodeks=${session}` } });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/_sim/login');
    assert.match(out.headers['set-cookie']![0]!, /^Kodeks=; .*Max-Age=0/);
    const info = await t.call('UserInfo', [Number(session)]);
    assert.equal(info.ok && info.value.authenticated, false);
  });
});
