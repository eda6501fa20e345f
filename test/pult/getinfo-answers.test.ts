import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getInfo, getInfoFor, pushReport } from '../../sim/platform/report-client';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, type PultSim } from '../helpers/pult-sim';
import { setState } from '../helpers/problem-state';
import { sampleReport, sampleReportJson } from '../helpers/samples';
import { cookieOf, request, SESSION } from '../sim/helpers';


const ask = async (t: PultSim, body: Record<string, unknown>) => JSON.parse((await getInfo(t.base, body)).body);

describe('getInfo answers by the state of the problem (real plugin in the simulator)', () => {
  it('fixed in a newer version → an older client is told to update; a forced upload of a "больше не принимать" problem is counted, not stored; counts survive a clean restart', async () => {
    const t = await startPultSim();
    try {
      const report = sampleReportJson('client-error');
      const info = getInfoFor(report);
      assert.ok(String(info.appStackHash).length > 0, 'the sample has a stack hash');
      assert.equal((await pushReport(t.base, sampleReport('client-error'))).status, 200);
      assert.equal((await ask(t, info)).needSendReport, true, 'новая: asked as today');

      await setState(t, 1, { status: 'fixed', fixedIn: '2.0.6.46' });
      const older = await ask(t, info);
      assert.equal(older.needSendReport, false);
      assert.match(older.userMessage, /исправлена в версии 2\.0\.6\.46/);
      assert.equal((await ask(t, { ...info, configVersion: '2.0.6.46' })).needSendReport, true, 'the fixed version itself: a regression is wanted');
      assert.equal((await ask(t, { ...info, appStackHash: '' })).needSendReport, true, 'an empty hash never matches');
      assert.equal((await ask(t, { ...info, appStackHash: undefined })).needSendReport, true, 'an absent hash never matches');

      await setState(t, 1, { status: 'wontfix', reason: 'так задумано', noMoreReports: '1' });
      const known = await ask(t, info);
      assert.equal(known.needSendReport, false);
      assert.match(known.userMessage, /уже известна разработчикам \(№1\)/);

      const forced = await pushReport(t.base, sampleReport('client-error-other-pc'));
      assert.equal(forced.status, 200, 'answered 200');
      const page = await request(`${t.base}/s/reports/1`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'text/html' } });
      assert.match(page.text, /Ответ getInfo\.<\/strong> Не исправлять, отчёты больше не принимаются/);
      assert.match(page.text, /Ещё \d+ раз без отчёта/);
      const status = JSON.parse((await request(`${t.base}/s/status`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'application/json' } })).text);
      assert.equal(status.answers.getInfo.fixed, 1);
      assert.equal(status.answers.getInfo.known, 1);
      assert.equal(status.answers.pushReportRefusals.known, 1);
      await t.stopKeep();

      const left = await withDatabase(t.storage, (db) => ({
        reports: rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM reports')[0]!.n,
        problem: rows<{ unasked_total: number; no_more_reports: number; reports_total: number }>(db, 'SELECT unasked_total, no_more_reports, reports_total FROM problems WHERE id = 1')[0]!,
        byDay: rows<{ version: string; count: number }>(db, 'SELECT version, count FROM problem_unasked WHERE problem_id = 1 ORDER BY version'),
      }));
      assert.equal(left.reports, 1, 'the forced upload stored no report');
      assert.deepEqual({ ...left.problem }, { unasked_total: 3, no_more_reports: 1, reports_total: 1 }, 'two getInfo "no" and one forced upload, flushed at the clean stop');
      assert.deepEqual(left.byDay.map((r) => ({ ...r })), [{ version: '2.0.6.45', count: 3 }]);
    } finally {
      await t.cleanup();
    }
  });

  it('в работе: asks until the version has R reports from C computers, per version; a configuration not accepted is refused as today', async () => {
    const settings = { configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: [], inWorkReports: 2, inWorkComputers: 2 }], userMessage: '', dumpType: 0 };
    const t = await startPultSim({ settings });
    try {
      const info = getInfoFor(sampleReportJson('client-error'));
      await pushReport(t.base, sampleReport('client-error'));
      await setState(t, 1, { status: 'in-work' });
      assert.equal((await ask(t, info)).needSendReport, true, 'one report from one computer: below 2 and 2');
      await pushReport(t.base, sampleReport('client-error-other-pc'));
      const enough = await ask(t, info);
      assert.equal(enough.needSendReport, false, 'two reports from two computers');
      assert.match(enough.userMessage, /взята в работу \(№1\)/);
      assert.equal((await ask(t, { ...info, configVersion: '2.0.6.46' })).needSendReport, true, 'another version has no reports yet');
      assert.equal((await ask(t, { ...info, configName: 'Другая' })).needSendReport, false, 'not accepted, as today');
    } finally {
      await t.stop();
    }
  });
});
