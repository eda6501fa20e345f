import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getInfo, pushReport } from '../../sim/platform/report-client';
import type { Status } from '../../src/diagnostics/status';
import { startPultSim, type PultSim } from '../helpers/pult-sim';
import { sampleReport } from '../helpers/samples';
import { cookieOf, request, SESSION } from '../sim/helpers';

describe('GET /pult/s/status', () => {
  let t: PultSim;
  const json = async (who: number): Promise<Status> => {
    const r = await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(who), accept: 'application/json' } });
    assert.equal(r.status, 200, r.text);
    return r.json() as Status;
  };

  before(async () => {
    t = await startPultSim();
    assert.equal((await pushReport(t.base, sampleReport('client-error'))).status, 200);
    assert.equal((await getInfo(t.base, { configName: 'МедицинаБольница', configVersion: '2.0.6.45' })).status, 200);
  });
  after(() => t.stop());

  it('gives a reader the figures of the plugin process as JSON: start-up, memory, loop, requests, storage, data', async () => {
    const s = await json(SESSION.reader);
    assert.equal(s.pid, undefined, 'the process id is for administrators only');
    assert.equal(s.node, undefined, 'the Node version is for administrators only');
    const a = await json(SESSION.admin);
    assert.equal(a.pid, t.pid());
    assert.equal(a.node, process.version);
    assert.ok(s.startup.readyMs > 0 && s.startup.readyMs >= s.startup.dbOpenMs, JSON.stringify(s.startup));
    assert.ok(s.memory.rssBytes > 10 * 2 ** 20);
    assert.equal(typeof s.eventLoop.sinceStart.maxMs, 'number');
    assert.ok(s.eventLoop.sinceStart.utilization >= 0 && s.eventLoop.sinceStart.utilization <= 1);
    assert.equal(s.requests.sinceStart.pushReport?.count, 1);
    assert.equal(s.requests.sinceStart.getInfo?.count, 1);
    assert.ok(s.storage.commits >= 1);
    assert.equal(s.storage.engine, 'release 1.16.0', 'the plugin runs the fast build of sql.js');
    assert.deepEqual(s.totals, { errors: 1, reports: 1, pendingNotices: s.totals.pendingNotices });
    assert.equal(s.incomingZips, 0, 'the zip was settled into its shard folder');
  });

  it('shows the same as a page in Russian, with the reset only for administrators', async () => {
    const page = await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /Состояние сервиса/);
    assert.match(page.text, /Приём отчёта \(pushReport\)/);
    assert.match(page.text, /<td>1 запрос; медиана [\d,]+ мс, 99% не дольше [\d,]+ мс, самый долгий [\d,]+ мс/, 'request times in plain words');
    assert.doesNotMatch(page.text, /половина быстрее/);
    assert.equal((await json(SESSION.reader)).storage.checkpoints, 0, 'a fresh store has had no checkpoint yet');
    assert.match(page.text, /Контрольные точки<\/th><td>ещё не было/, 'no "последняя 0 мс" before any checkpoint');
    assert.match(page.text, /\d\d:\d\d МСК/, 'times say their zone');
    assert.match(page.text, /на диске; SQLite sql\.js 1\.16\.0<\/td>/, 'which build of sql.js runs');
    assert.match(page.text, /aria-current="page">Состояние/);
    assert.doesNotMatch(page.text, /s\/status\/reset/);
    assert.doesNotMatch(page.text, /pid \d|Node v/, 'a reader does not see the process id or the Node version');
    const admin = await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(SESSION.admin), accept: 'text/html' } });
    assert.match(admin.text, /action="\/pult\/s\/status\/reset"/);
    assert.match(admin.text, new RegExp(`pid ${t.pid()}, Node ${process.version.replace(/\./g, '\\.')}`));
  });

  it('refuses the reset to a reader, and to an administrator without the form token', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', connection: 'keep-alive' }; // keep-alive: see below
    const reader = await request(`${t.base}/s/status/reset`, { method: 'POST', headers: { cookie: cookieOf(SESSION.reader), ...form }, body: '' });
    assert.equal(reader.status, 403);
    const noToken = await request(`${t.base}/s/status/reset`, { method: 'POST', headers: { cookie: cookieOf(SESSION.admin), ...form }, body: '' });
    assert.equal(noToken.status, 403);
    assert.equal((await json(SESSION.reader)).requests.sinceReset.pushReport?.count, 1, 'nothing was reset');
  });

  it('lets an administrator start the "since reset" figures afresh, keeping those since start', async () => {
    const page = await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(SESSION.admin), accept: 'text/html' } });
    const csrf = String(page.headers['set-cookie']).split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const r = await request(`${t.base}/s/status/reset`, {
      method: 'POST',
      // keep-alive: with "Connection: close" the simulator's proxy can turn the plugin's quick
      // answer into a 502 (its last, empty write to the closed socket fails with EPIPE).
      headers: { cookie: `${cookieOf(SESSION.admin)}; ${csrf}`, 'content-type': 'application/x-www-form-urlencoded', connection: 'keep-alive' },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/pult/s/status?reset=1');
    const s = await json(SESSION.reader);
    assert.equal(s.requests.sinceReset.pushReport, undefined);
    assert.equal(s.requests.sinceStart.pushReport?.count, 1);
    assert.ok(Date.parse(s.resetAt) > Date.parse(s.startedAt));
  });

  it('counts a refused pushReport among the request times too', async () => {
    const before = (await json(SESSION.reader)).requests.sinceStart.pushReport?.count ?? 0;
    const r = await pushReport(t.base, Buffer.from('not a zip'));
    assert.equal(r.status, 400);
    assert.equal((await json(SESSION.reader)).requests.sinceStart.pushReport?.count, before + 1);
  });
});
