import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { cookieOf, SESSION, startTestSim, type CallResult, type TestSim } from './helpers';

const value = (r: CallResult) => {
  assert.ok(r.ok, `call failed: ${!r.ok && r.error}`);
  return r.value;
};

describe('CheckAccess(featureId, ver?, session)', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' });
  });
  after(() => t?.stop());

  it('with two arguments takes the second as the session and version 0', async () => {
    assert.deepEqual(value(await t.call('CheckAccess', [50101, SESSION.admin])), { granted: true });
    assert.deepEqual(value(await t.call('CheckAccess', [50104, SESSION.admin])), {
      granted: false,
      reason: 'Нет лицензии 50104 версии 0',
    });
  });

  it('with three arguments takes (featureId, ver, session)', async () => {
    assert.deepEqual(value(await t.call('CheckAccess', [50104, 2, SESSION.admin])), { granted: true });
    assert.deepEqual(value(await t.call('CheckAccess', ['50104', '2', String(SESSION.admin)])), { granted: true });
  });

  it('takes the session from the request, two arguments or three', async () => {
    const cookie = cookieOf(SESSION.reader);
    assert.deepEqual(value(await t.call('CheckAccess', [50101, '$request'], { cookie })), { granted: true });
    assert.deepEqual(value(await t.call('CheckAccess', [50101, 0, '$request'], { cookie })), { granted: true });
  });

  it('denies, with a reason, an anonymous session, a blocked or expired account and a user without a grant', async () => {
    const reason = async (session: unknown) => value(await t.call('CheckAccess', [50101, 0, session])).reason;
    assert.equal(await reason(undefined), 'Пользователь не аутентифицирован');
    assert.equal(await reason(424242), 'Пользователь не аутентифицирован');
    assert.equal(await reason(SESSION.blocked), 'Учётная запись заблокирована');
    assert.equal(await reason(SESSION.old), 'Срок действия учётной записи истёк');
    assert.equal(await reason(SESSION.guest), 'Нет прав на функционал 50101');
  });

  it('denies a granted feature whose license is missing or expired', async () => {
    assert.deepEqual(value(await t.call('CheckAccess', [50105, SESSION.admin])), { granted: false, reason: 'Нет лицензии 50105' });
    assert.match(value(await t.call('CheckAccess', [50103, SESSION.admin])).reason, /^Срок действия лицензии 50103 истёк/);
  });

  it('rejects with an Error when featureId is not a number', async () => {
    const r = await t.call('CheckAccess', ['read', SESSION.admin]);
    assert.ok(!r.ok && r.isError);
    assert.match(!r.ok ? r.error : '', /featureId/);
  });
});

describe('license seats taken by CheckAccess', () => {
  // 50102 has one seat; admin and admin2 both have the right to it.
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' }, { seatTtlSeconds: 0.5 });
  });
  after(() => t?.stop());

  it('are held per person, refreshed by use, and freed when unused for the TTL; PickPermissions takes none', async () => {
    const access = async (session: number) => value(await t.call('CheckAccess', [50102, 0, session]));
    assert.deepEqual(await access(SESSION.admin), { granted: true });

    // The same person in a second session holds the same seat.
    const secondSession = t.sim.host.sessions.open('admin');
    assert.deepEqual(await access(secondSession), { granted: true });

    assert.deepEqual(await access(SESSION.admin2), {
      granted: false,
      reason: 'Все рабочие места по лицензии 50102 заняты (1)',
    });
    // Checking rights and the license does not need (or take) a seat.
    const picked = value(await t.call('PickPermissions', [[50102, [50102, 0], 'admin'], SESSION.admin2]));
    assert.deepEqual(picked.map((p: { granted: boolean }) => p.granted), [true, true, true]);

    await sleep(300);
    assert.deepEqual(await access(SESSION.admin), { granted: true }, 'refreshes the seat');
    await sleep(300);
    assert.equal((await access(SESSION.admin2)).granted, false, 'the refreshed seat is still held');
    await sleep(600);
    assert.deepEqual(await access(SESSION.admin2), { granted: true }, 'the unused seat was freed');
    assert.equal((await access(SESSION.admin)).granted, false);
  });
});

describe('PickPermissions(features, session)', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' });
  });
  after(() => t?.stop());

  it('accepts ids, numeric strings, [id, ver] pairs and named features, answering each as given', async () => {
    const features = [50101, '50102', [50103, 0], ['50104', '2'], [50104, 1], 'read', 'admin', 'nope'];
    assert.deepEqual(value(await t.call('PickPermissions', [features, SESSION.admin])), [
      { feature: 50101, granted: true },
      { feature: '50102', granted: true },
      { feature: 50103, granted: false, reason: 'Срок действия лицензии 50103 истёк 2001-01-01', ver: 0 },
      { feature: '50104', granted: true, ver: 2 },
      { feature: 50104, granted: false, reason: 'Нет лицензии 50104 версии 1', ver: 1 },
      { feature: 'read', granted: true },
      { feature: 'admin', granted: true },
      { feature: 'nope', granted: false, reason: 'Неизвестный функционал «nope»' },
    ]);
  });

  it('checks the license only when a version is given', async () => {
    assert.deepEqual(value(await t.call('PickPermissions', [[50103, 50105], SESSION.admin])), [
      { feature: 50103, granted: true },
      { feature: 50105, granted: true },
    ]);
    assert.deepEqual(value(await t.call('PickPermissions', [[[50105, 0]], SESSION.admin])), [
      { feature: 50105, granted: false, reason: 'Нет лицензии 50105', ver: 0 },
    ]);
  });

  it('checks rights per user, from the request too', async () => {
    const r = await t.call('PickPermissions', [['read', 'admin'], '$request'], { cookie: cookieOf(SESSION.reader) });
    assert.deepEqual(value(r), [
      { feature: 'read', granted: true },
      { feature: 'admin', granted: false, reason: 'Нет прав на функционал 50102' },
    ]);
    const anonymous = value(await t.call('PickPermissions', [['read'], undefined]));
    assert.deepEqual(anonymous, [{ feature: 'read', granted: false, reason: 'Пользователь не аутентифицирован' }]);
  });

  it('rejects with an Error when features is not an array', async () => {
    const r = await t.call('PickPermissions', [50101, SESSION.admin]);
    assert.ok(!r.ok && r.isError);
  });
});
