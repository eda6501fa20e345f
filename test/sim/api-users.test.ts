import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cookieOf, request, SESSION, startTestSim, type TestSim } from './helpers';

// Nothing here changes the simulator's state, so one simulator serves the whole file.
let t: TestSim;
before(async () => {
  t = await startTestSim({ probe: 'probe' });
});
after(() => t?.stop());

describe('the plugin process', () => {
  it('gets KServerApi with the documented properties before its main runs', async () => {
    const g = (await request(`${t.sim.url}/probe/globals`)).json();
    assert.equal(g.Name, 'probe');
    assert.equal(g.Route, 'probe');
    assert.equal(g.Path, path.join(t.dir, 'plugins', 'probe'));
    assert.equal(g.StoragePath, path.join(t.dir, 'storage', 'probe'));
    assert.ok(existsSync(g.StoragePath));
    assert.equal(g.LogsPath, path.join(t.dir, 'logs', 'probe'));
    assert.ok(existsSync(g.LogsPath));
    assert.equal(path.dirname(g.SocketPath), t.sim.runDir);
    assert.ok(g.SocketPath.length < 100);
    assert.equal(g.infoName, 'probe');
    assert.equal(g.pickKServerInfo, 'function');
    assert.deepEqual(g.methods, [
      'CheckAccess', 'CheckLicensedParameter', 'GetServerInfo', 'GetServiceName', 'IncLicensedParameter',
      'KodeksDocInfo', 'KodeksProductStatus', 'PickPermissions', 'SendMail', 'SetLicensedParameter',
      'UserInfo', 'UserList', 'ValidateLicense',
    ]);
  });

  it('runs plain node with the plugin\'s own node options and its main as the entry point', async () => {
    const g = (await request(`${t.sim.url}/probe/globals`)).json();
    assert.equal(g.tsxLoaded, false);
    assert.deepEqual(g.execArgv, ['--max-old-space-size=128']);
    assert.equal(g.argv1, path.join(t.dir, 'plugins', 'probe', 'index.js'));
    assert.equal(g.isMain, true);
    assert.deepEqual(g.bootEnvLeft, []);
    assert.ok(t.lines.some((l) => /\[probe\] process\.cmd «nsh» не используется/.test(l)));
  });

  it('writes the plugin\'s stdout to process.stdout relative to LogsPath', async () => {
    const out = await readFile(path.join(t.dir, 'logs', 'probe', 'probe.out.log'), 'utf8');
    assert.match(out, /probe probe listening/);
  });
});

describe('UserInfo(session)', () => {
  it('describes the user of a numeric session, groups with names', async () => {
    const r = await t.call('UserInfo', [SESSION.admin]);
    assert.deepEqual(r, {
      ok: true,
      type: 'object',
      value: {
        authenticated: true,
        id: 11,
        login: 'admin',
        groups: [{ id: 1, name: 'Администраторы pult' }],
        name: 'Администратор',
        email: 'admin@example.test',
        department: 'ИТ',
        position: 'Инженер',
        disabled: false,
        expired: false,
      },
    });
  });

  it('accepts the session as a numeric string', async () => {
    const r = await t.call('UserInfo', [String(SESSION.reader)]);
    assert.equal(r.ok && r.value.login, 'reader');
  });

  it('accepts the request itself: the Kodeks cookie among others is the session', async () => {
    const r = await t.call('UserInfo', [], { cookie: `KodeksData=xyz; Kodeks=${SESSION.reader}; Auth=1`, sessionFromRequest: true });
    assert.equal(r.ok && r.value.login, 'reader');
  });

  it('answers not authenticated with the client address for a request without a session', async () => {
    const r = await t.call('UserInfo', [], { sessionFromRequest: true });
    assert.deepEqual(r.ok && r.value, { authenticated: false, ip: '127.0.0.1' });
  });

  it('answers not authenticated for an unknown or absent session', async () => {
    assert.deepEqual(await t.call('UserInfo', [999]), {
      ok: true,
      type: 'object',
      value: { authenticated: false, ip: '' },
    });
    const none = await t.call('UserInfo', []);
    assert.equal(none.ok && none.value.authenticated, false);
  });

  it('rejects with an Error when the session is neither an id nor a request', async () => {
    const r = await t.call('UserInfo', [{ session: SESSION.admin }]);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.isError);
    assert.match(!r.ok ? r.error : '', /session/);
  });
});

describe('UserList(session)', () => {
  it('lists every configured user, with ids, to an authenticated session', async () => {
    const r = await t.call('UserList', [SESSION.guest]);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((u: { id: number; login: string }) => [u.id, u.login]),
      [[11, 'admin'], [12, 'reader'], [13, 'guest'], [14, 'blocked'], [15, 'old'], [16, 'admin2'], [17, 'support2']],
    );
    assert.deepEqual(r.value[1].groups, [{ id: 2, name: 'Поддержка' }]);
  });

  it('answers an empty list to an anonymous session', async () => {
    assert.deepEqual(await t.call('UserList', [], { sessionFromRequest: true }), { ok: true, value: [], type: 'object' });
  });
});

describe('pickKServerInfo(req)', () => {
  it('sets req.KServer.session from the Kodeks cookie', async () => {
    const echo = (await request(`${t.sim.url}/probe/echo`, { headers: { cookie: `KodeksA=1; ${cookieOf(SESSION.admin)}` } })).json();
    assert.deepEqual(echo.kserver, { session: SESSION.admin });
  });

  it('leaves the session undefined without the cookie', async () => {
    const echo = (await request(`${t.sim.url}/probe/echo`, { headers: { cookie: 'KodeksData=5' } })).json();
    assert.deepEqual(echo.kserver, {});
  });
});
