import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { request, startTestSim, type TestSim } from './helpers';

describe('HTTP routing to plugins', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim(
      { probe: 'probe', gone: 'probe', locked: 'needs-license', dies: 'dies-in-init', mute: 'probe' },
      { initTimeoutMs: 800 },
    );
  });
  after(() => t?.stop());

  it('forwards method, path with query, headers (Host, cookies) and body unchanged, adding the client address', async () => {
    const body = 'тело запроса\n'.repeat(1000);
    const res = await request(`${t.sim.url}/probe/echo?x=1&y=%D1%8F&x=2`, {
      method: 'PUT',
      headers: {
        Host: 'infobase.example.test:8087',
        Cookie: 'Kodeks=101; KodeksData=abc',
        'X-Custom': 'значение'.length.toString(),
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      },
      body,
    });
    assert.equal(res.status, 200);
    const echo = res.json();
    assert.equal(echo.method, 'PUT');
    assert.equal(echo.url, '/probe/echo?x=1&y=%D1%8F&x=2');
    assert.equal(echo.headers.host, 'infobase.example.test:8087');
    assert.equal(echo.headers.cookie, 'Kodeks=101; KodeksData=abc');
    assert.equal(echo.headers['x-custom'], '8');
    assert.equal(echo.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(echo.body, body);
    assert.equal(echo.headers['x-kodeks-monitor-remote-addr'], '127.0.0.1');
    assert.ok(echo.rawHeaders.includes('X-Custom'), 'header names keep their case');
  });

  it('streams a chunked body through', async () => {
    const echo = await new Promise<any>((resolve, reject) => {
      const req = http.request(`${t.sim.url}/probe/echo`, { method: 'POST', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      for (let i = 0; i < 50; i++) req.write(`часть ${i};`);
      req.end();
    });
    assert.equal(echo.headers['transfer-encoding'], 'chunked');
    assert.equal(echo.body, Array.from({ length: 50 }, (_, i) => `часть ${i};`).join(''));
  });

  it('replaces a client-sent x-kodeks-monitor-remote-addr with the real address', async () => {
    const echo = (await request(`${t.sim.url}/probe/echo`, { headers: { 'X-Kodeks-Monitor-Remote-Addr': '6.6.6.6' } })).json();
    const names = echo.rawHeaders.filter((_: string, i: number) => i % 2 === 0).map((n: string) => n.toLowerCase());
    assert.equal(names.filter((n: string) => n === 'x-kodeks-monitor-remote-addr').length, 1);
    assert.equal(echo.headers['x-kodeks-monitor-remote-addr'], '127.0.0.1');
  });

  it('forwards the bare route and passes the plugin\'s status and headers back', async () => {
    const res = await request(`${t.sim.url}/probe?q=1`);
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.json().error, 'no such probe endpoint');
  });

  it('answers 404 for an unknown route and sends / to the simulator\'s index', async () => {
    const res = await request(`${t.sim.url}/nothing/here`);
    assert.equal(res.status, 404);
    assert.match(res.text, /Нет плагина с маршрутом «nothing»/);
    const root = await request(`${t.sim.url}/`);
    assert.equal(root.status, 303);
    assert.equal(root.headers.location, '/_sim/');
  });

  it('answers 503 for a plugin refused for a missing license and for one that died during initialisation', async () => {
    const locked = await request(`${t.sim.url}/locked/anything`);
    assert.equal(locked.status, 503);
    assert.match(locked.text, /Плагин «locked» не запущен: не хватает лицензий: нет лицензии 99999/);
    const dies = await request(`${t.sim.url}/dies/`);
    assert.equal(dies.status, 503);
    assert.match(dies.text, /завершился при инициализации и не будет перезапущен/);
  });

  it('ends initialisation after initTimeoutMs when the socket never opens; requests then get 502', async () => {
    assert.equal(t.sim.plugins.get('mute')!.status, 'running');
    assert.ok(t.lines.some((l) => /\[mute\] запущен .*инициализация считается законченной/.test(l)));
    const res = await request(`${t.sim.url}/mute/echo`);
    assert.equal(res.status, 502);
    assert.match(res.text, /Плагин «mute» не отвечает/);
  });

  it('answers 502 once the plugin stops listening on its socket', async () => {
    assert.equal((await request(`${t.sim.url}/gone/echo`)).status, 200);
    assert.equal((await request(`${t.sim.url}/gone/unlisten`, { method: 'POST' })).status, 200);
    const res = await request(`${t.sim.url}/gone/echo`);
    assert.equal(res.status, 502);
    assert.match(res.headers['content-type'] ?? '', /text\/plain; charset=utf-8/);
  });

  it('shows every plugin and its state on /_sim/', async () => {
    const res = await request(`${t.sim.url}/_sim/`);
    assert.equal(res.status, 200);
    for (const route of ['probe', 'gone', 'locked', 'dies', 'mute']) assert.match(res.text, new RegExp(`/${route}</a>`));
    assert.match(res.text, /не запущен/);
    assert.match(res.text, /упал при инициализации/);
    assert.equal((await request(`${t.sim.url}/_sim/nope`)).status, 404);
  });
});
