import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { getInfo, getInfoFor, pushReport } from '../../sim/platform/report-client';
import { buildReportJson, buildReportZip } from '../helpers/build-report';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, type PultSim } from '../helpers/pult-sim';
import { setState } from '../helpers/problem-state';
import { cookieOf, request, SESSION } from '../sim/helpers';

/** A client on its own loopback address: the simulator puts it in x-kodeks-monitor-remote-addr (as hostile.test.ts does). */
const from = (address: string) => new http.Agent({ localAddress: address });
const ask = async (t: PultSim, body: Record<string, unknown>, agent?: http.Agent) => JSON.parse((await getInfo(t.base, body, agent)).body);
const statusOf = async (t: PultSim) =>
  JSON.parse((await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'application/json' } })).text).answers;
const counts = (storage: string) =>
  withDatabase(storage, (db) => ({
    reports: rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM reports')[0]!.n,
    errors: rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM errors')[0]!.n,
  }));

describe('noise filters before the upload (real plugin in the simulator)', () => {
  it('address lists: a denied or not-allowed address gets getInfo false and a Russian 403 for its upload, nothing stored, counted by reason', async () => {
    const settings = {
      configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: [] }],
      userMessage: '',
      dumpType: 0,
      addresses: { allow: ['127.0.0.0/24', '::ffff:127.0.1.0/120'], deny: ['127.0.0.66'] },
    };
    const t = await startPultSim({ settings });
    try {
      const info = getInfoFor(buildReportJson());
      assert.equal((await ask(t, info, from('127.0.0.5'))).needSendReport, true, 'allowed range');
      assert.equal((await ask(t, info, from('127.0.1.9'))).needSendReport, true, 'allowed by its IPv4-mapped range');
      assert.deepEqual(await ask(t, info, from('127.0.0.66')), { needSendReport: false }, 'denied inside the allowed range');
      assert.deepEqual(await ask(t, info, from('127.0.2.1')), { needSendReport: false }, 'outside the allow list');

      const denied = await pushReport(t.base, await buildReportZip(), from('127.0.0.66'));
      assert.equal(denied.status, 403);
      assert.match(JSON.parse(denied.body).error ?? denied.body, /Отчёты с этого адреса не принимаются этим сервисом/);
      assert.equal((await pushReport(t.base, await buildReportZip(), from('127.0.2.1'))).status, 403);
      assert.equal((await pushReport(t.base, await buildReportZip(), from('127.0.0.5'))).status, 200);

      const answers = await statusOf(t);
      assert.equal(answers.getInfo['refused-address'], 2);
      assert.equal(answers.getInfo.asked, 2);
      assert.equal(answers.pushReportRefusals.address, 2);
      await t.stopKeep();
      assert.deepEqual(await counts(t.storage), { reports: 1, errors: 1 }, 'only the allowed upload was stored');
    } finally {
      await t.cleanup();
    }
  });

  it('per configuration: skipped categories and "only the configuration\'s code" refuse getInfo and the upload alike (422, nothing stored)', async () => {
    const settings = {
      configurations: [
        { name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: [], skipCategories: ['NetworkError'], ownCodeOnly: true },
        { name: 'Другая', versions: [''], recipients: [] },
      ],
      userMessage: '',
      dumpType: 0,
    };
    const t = await startPultSim({ settings });
    try {
      const json = buildReportJson();
      const info = getInfoFor(json);
      assert.ok(String(info.appStackHash).length > 0);
      assert.equal((await ask(t, { ...info, ErrorCategories: ['ExceptionRaisedFromScript'] })).needSendReport, true);
      assert.deepEqual(await ask(t, { ...info, ErrorCategories: ['ExceptionRaisedFromScript', 'NetworkError'] }), { needSendReport: false });
      assert.deepEqual(await ask(t, { ...info, errorCategories: ['networkerror'] }), { needSendReport: false }, 'key and value case-insensitive');
      assert.deepEqual(await ask(t, { ...info, appStackHash: '' }), { needSendReport: false }, 'no configuration stack');
      assert.equal((await ask(t, { ...info, configName: 'Другая', appStackHash: '', ErrorCategories: ['NetworkError'] })).needSendReport, true, 'another configuration has no filters');

      const network = await pushReport(
        t.base,
        await buildReportZip({ edit: (j) => j.errorInfo.applicationErrorInfo.errors.push(['Сеть недоступна', ['NetworkError']]) }),
      );
      assert.equal(network.status, 422);
      assert.match(network.body, /Ошибки этой категории не принимаются этим сервисом/);
      const platform = await pushReport(t.base, await buildReportZip({ edit: (j) => delete j.errorInfo.applicationErrorInfo.stackHash }));
      assert.equal(platform.status, 422);
      assert.match(platform.body, /Принимаются только ошибки в коде конфигурации/);
      assert.equal((await pushReport(t.base, await buildReportZip())).status, 200, 'the configuration\'s own error is taken');

      const answers = await statusOf(t);
      assert.equal(answers.getInfo['refused-category'], 2);
      assert.equal(answers.getInfo['refused-not-own-code'], 1);
      assert.equal(answers.pushReportRefusals.category, 1);
      assert.equal(answers.pushReportRefusals['not-own-code'], 1);
      await t.stopKeep();
      assert.deepEqual(await counts(t.storage), { reports: 1, errors: 1 });
    } finally {
      await t.cleanup();
    }
  });

  it('ambiguity: one stack hash in two problems in different states is asked; in the same state it answers', async () => {
    const t = await startPultSim();
    try {
      const first = buildReportJson();
      const info = getInfoFor(first);
      assert.equal((await pushReport(t.base, await buildReportZip())).status, 200);
      // Other texts, the same stack: a second problem behind the same hash.
      assert.equal((await pushReport(t.base, await buildReportZip({ texts: ['{Документ.Другой.МодульОбъекта(7)}: Другая ошибка'] }))).status, 200);
      await setState(t, 1, { status: 'fixed', fixedIn: '2.0.6.46' });
      assert.equal((await ask(t, info)).needSendReport, true, 'fixed and new behind one hash: asked');
      await setState(t, 2, { status: 'fixed', fixedIn: '2.0.6.46' });
      const same = await ask(t, info);
      assert.equal(same.needSendReport, false, 'both fixed in the same version: answered');
      assert.match(same.userMessage, /исправлена в версии 2\.0\.6\.46/);
      await t.stopKeep();
      const ps = await withDatabase(t.storage, (db) => rows<{ n: number }>(db, 'SELECT COUNT(DISTINCT problem_id) AS n FROM errors')[0]!.n);
      assert.equal(ps, 2, 'two problems share the stack hash');
    } finally {
      await t.cleanup();
    }
  });
});
