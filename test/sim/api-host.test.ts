import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, SESSION, startTestSim, type CallResult, type TestSim } from './helpers';

const value = (r: CallResult) => {
  assert.ok(r.ok, `call failed: ${!r.ok && r.error}`);
  return r.value;
};
const rejection = (r: CallResult) => {
  assert.ok(!r.ok, `expected a rejection, got ${r.ok && JSON.stringify(r.value)}`);
  assert.equal(r.isError, true, 'the rejection is a real Error in the plugin');
  return r.error;
};

describe('the KServerApi host methods', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' });
  });
  after(() => t?.stop());

  describe('licensed parameters (limit = the license\'s seats)', () => {
    it('Set sets anyway and answers false when the total goes over; Check follows the total', async () => {
      // 50101 has 2 seats.
      assert.equal(value(await t.call('SetLicensedParameter', [50101, 0, 1, 'a'])), true);
      assert.equal(value(await t.call('CheckLicensedParameter', [50101, 0])), true);
      assert.equal(value(await t.call('SetLicensedParameter', [50101, 0, 2, 'b'])), false);
      assert.equal(value(await t.call('CheckLicensedParameter', [50101])), false);
      assert.equal(value(await t.call('SetLicensedParameter', [50101, 0, 1, 'b'])), true);
      assert.equal(value(await t.call('CheckLicensedParameter', [50101])), true);
    });

    it('Inc answers true within the limit and rejects with "User limit" without applying beyond it', async () => {
      // 50102 has 1 seat; no owner means the anonymous owner.
      assert.equal(value(await t.call('IncLicensedParameter', [50102, 0, 1])), true);
      assert.equal(rejection(await t.call('IncLicensedParameter', [50102, 0, 1, 123456789])), 'User limit');
      assert.equal(value(await t.call('CheckLicensedParameter', [50102, 0])), true, 'the refused increment was not applied');
      assert.equal(value(await t.call('IncLicensedParameter', [50102, 0, -1])), true);
      assert.equal(value(await t.call('IncLicensedParameter', [50102, 0, 1, 123456789])), true);
    });

    it('rejects an unknown license or version', async () => {
      assert.match(rejection(await t.call('SetLicensedParameter', [59999, 0, 1])), /No license 59999/);
      assert.match(rejection(await t.call('IncLicensedParameter', [50104, 0, 1])), /No license 50104 version 0/);
      assert.match(rejection(await t.call('CheckLicensedParameter', [59999])), /No license 59999/);
      assert.match(rejection(await t.call('SetLicensedParameter', [50100, 0, 'many'])), /value/);
    });
  });

  it('ValidateLicense: present (in that version, when given) and in force', async () => {
    const valid = async (...args: unknown[]) => value(await t.call('ValidateLicense', args));
    assert.equal(await valid(50100), true);
    assert.equal(await valid('50104', 2), true);
    assert.equal(await valid(50104), true);
    assert.equal(await valid(50104, 0), false);
    assert.equal(await valid(50103), false);
    assert.equal(await valid(59999), false);
  });

  it('GetServiceName names a license; without an argument, the plugin\'s first required license', async () => {
    assert.deepEqual(value(await t.call('GetServiceName', [])), { name: 'Сервис pult', shortNname: 'pult' });
    assert.deepEqual(value(await t.call('GetServiceName', [50101])), { name: 'Чтение', shortNname: 'Чтение' });
    assert.match(rejection(await t.call('GetServiceName', [59999])), /no license 59999/);
  });

  it('GetServerInfo reports the port really listened on', async () => {
    assert.ok(t.sim.port > 0);
    assert.deepEqual(value(await t.call('GetServerInfo', [])), {
      Port: t.sim.port,
      Hostname: 'kserver.test',
      Protocol: 'https',
      Host: `kserver.test:${t.sim.port}`,
      PreferredVDir: '/docs',
    });
  });

  it('KodeksDocInfo answers configured documents and rejects others', async () => {
    const doc = { status: 'active', tooltip: 'Закон о тестах' };
    assert.deepEqual(value(await t.call('KodeksDocInfo', [1200000001])), doc);
    assert.deepEqual(value(await t.call('KodeksDocInfo', ['1200000001', SESSION.admin])), doc);
    assert.match(rejection(await t.call('KodeksDocInfo', [5])), /document 5 not found/);
  });

  it('KodeksProductStatus: configured products as given, unknown ones not plugged', async () => {
    assert.deepEqual(value(await t.call('KodeksProductStatus', [7])), { plugged: true });
    assert.deepEqual(value(await t.call('KodeksProductStatus', ['8', SESSION.admin])), { plugged: false });
    assert.deepEqual(value(await t.call('KodeksProductStatus', [9])), { plugged: false });
  });

  it('rejects an unknown method name at the IPC level and keeps serving', async () => {
    for (const method of ['NoSuchMethod', 'constructor', '__proto__']) {
      const reply = (await request(`${t.sim.url}/probe/raw-ipc`, { method: 'POST', body: JSON.stringify({ method, args: [] }) })).json();
      assert.equal(reply.type, 'result');
      assert.equal(reply.ok, false);
      assert.match(reply.error.message, /Unknown KServerApi method/);
    }
    assert.equal(value(await t.call('ValidateLicense', [50100])), true);
  });
});

describe('an older KServer (config.methods)', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' }, { methods: ['UserInfo', 'GetServerInfo'] });
  });
  after(() => t?.stop());

  it('offers only the configured methods, in KServerApi and over IPC', async () => {
    assert.deepEqual((await request(`${t.sim.url}/probe/globals`)).json().methods, ['GetServerInfo', 'UserInfo']);
    const missing = await t.call('CheckAccess', [50101, SESSION.admin]);
    assert.ok(!missing.ok);
    const reply = (
      await request(`${t.sim.url}/probe/raw-ipc`, { method: 'POST', body: JSON.stringify({ method: 'CheckAccess', args: [50101, 101] }) })
    ).json();
    assert.equal(reply.ok, false);
  });
});

describe('KServer before 6.4.3 (config.legacyJsonResults)', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' }, { legacyJsonResults: true });
  });
  after(() => t?.stop());

  it('resolves methods with JSON strings', async () => {
    const info = await t.call('GetServerInfo', []);
    assert.equal(info.ok && info.type, 'string');
    assert.equal(JSON.parse(value(info)).Port, t.sim.port);
    const valid = await t.call('ValidateLicense', [50100]);
    assert.deepEqual(valid, { ok: true, value: 'true', type: 'string' });
  });
});
