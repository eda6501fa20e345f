import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { after, before, describe, it } from 'node:test';
import { getInfo, post, pushReport } from '../../sim/platform/report-client';
import { buildReportJson } from '../helpers/build-report';
import { withDatabase, rows } from '../helpers/inspect';
import { readOutbox, startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';
import { BAD_SAMPLES, SAMPLE_ORDER, sample, sampleReport } from '../helpers/samples';
import { request } from '../sim/helpers';

function zipFiles(storage: string): string[] {
  const root = path.join(storage, 'zips');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('pult in the simulator: the public samples in the order of samples/README.md', () => {
  let t: PultSim;
  const answers = new Map<string, number>();

  before(async () => {
    t = await startPultSim();
    for (const name of SAMPLE_ORDER) {
      const a = await pushReport(t.base, sampleReport(name));
      answers.set(name, a.status);
      if (name === 'unknown-config') assert.equal(JSON.parse(a.body).error, 'Конфигурация отчёта не принимается этим сервисом', 'said without echoing the name');
      else assert.equal(a.body, '', `${name} answers an empty body`);
    }
    // the notices of all five new errors before the database is inspected
    const mailed = () => readOutbox(t.outbox).map((m) => m.body).join('\n');
    await waitFor(() => ([1, 2, 3, 4, 5, 6].every((n) => mailed().includes(`/pult/s/reports/${n}\n`)) ? true : undefined), 8000, 'the notices');
    await t.stopKeep();
  });
  after(() => t.cleanup());

  it('answers 200 to every accepted sample and 4xx to the unknown configuration', () => {
    for (const [name, status] of answers) {
      if (name === 'unknown-config') assert.ok(status >= 400 && status < 500, `${name}: ${status}`);
      else assert.equal(status, 200, name);
    }
  });

  it('groups them into the errors the table expects', async () => {
    const errors = await withDatabase(t.storage, (db) =>
      rows(db, 'SELECT id, config_version, extensions, texts, stack_hash, detailed, reports_total, computers FROM errors ORDER BY id'),
    );
    assert.equal(errors.length, 6, 'client-error, next-version, one-extension, server-job, minimal, compile-error');
    const [e1, e2, e3, e4, e5, e6] = errors;
    assert.equal(e1!.reports_total, 5, 'error #1: the first, its repeat, the other pc, the attached file, the web client');
    assert.equal(e1!.computers, 3, 'three computers: the first, the other pc, the web client');
    assert.equal(e2!.config_version, '2.0.6.46');
    assert.equal(JSON.parse(e3!.extensions).length, 1);
    assert.equal(e4!.reports_total, 1);
    assert.match(e5!.texts, /Деление на 0/);
    assert.equal(e6!.reports_total, 2, 'the compile error and its repeat with another attached file');
    assert.match(e6!.texts, /\(10,2\)\}: Переменная не определена/);
    assert.equal(e6!.stack_hash, '', 'no stackHash in the report: the key takes it as empty');
  });

  it('stores both compile-error reports with their own zips, byte for byte: attached files found only in the zip are never folded', async () => {
    const reports = await withDatabase(t.storage, (db) =>
      rows<{ id: number; count: number; has_files: number; groupable: number; uid: string | null; zip_name: string; client_id: string }>(
        db,
        'SELECT id, count, has_files, groupable, uid, zip_name, client_id FROM reports WHERE error_id = 6 ORDER BY id',
      ),
    );
    assert.equal(reports.length, 2);
    assert.equal(reports[0]!.client_id, reports[1]!.client_id, 'the same computer');
    const files = zipFiles(t.storage);
    for (const [i, name] of ['compile-error-attached', 'compile-error-attached-repeat'].entries()) {
      const r = reports[i]!;
      assert.deepEqual([r.count, r.has_files, r.groupable, r.uid], [1, 1, 0, null], name);
      assert.deepEqual(fs.readFileSync(files.find((f) => f.endsWith(r.zip_name))!), sampleReport(name), name);
    }
  });

  it('folds the repeat into report 1 (count 2, its time and description) and stores no new zip for it', async () => {
    const reports = await withDatabase(t.storage, (db) =>
      rows(db, 'SELECT id, error_id, count, time, has_files, groupable, client_id, descriptions, zip_name FROM reports ORDER BY id'),
    );
    assert.equal(reports.length, 10, '11 accepted sends, one folded');
    const r1 = reports[0]!;
    assert.equal(r1.count, 2);
    const repeat = JSON.parse(sample('reports/client-error-repeat.report.json').toString('utf8'));
    assert.equal(r1.time, new Date(repeat.time).toISOString(), 'the time of the repeat');
    const descriptions = JSON.parse(r1.descriptions) as [string, string][];
    assert.equal(descriptions.length, repeat.errorInfo.userDescription ? 2 : 1);
    assert.equal(zipFiles(t.storage).length, 10, 'one zip per stored report');
    const attached = reports.find((r) => r.has_files === 1)!;
    assert.equal(attached.error_id, 1);
    assert.equal(attached.groupable, 0);
  });

  it('keeps every zip byte for byte', async () => {
    const names = await withDatabase(t.storage, (db) => rows<{ zip_name: string }>(db, 'SELECT zip_name FROM reports WHERE id = 1'));
    const stored = zipFiles(t.storage).find((f) => f.endsWith(names[0]!.zip_name))!;
    assert.deepEqual(fs.readFileSync(stored), sampleReport('client-error'));
  });

  it('sends one notice listing the new errors with absolute links', () => {
    const mails = readOutbox(t.outbox);
    assert.ok(mails.length >= 1 && mails.length <= 2, `${mails.length} mails`);
    const all = mails.map((m) => m.body).join('\n');
    for (const n of [1, 2, 3, 4, 5, 6]) assert.match(all, new RegExp(`https://kserver\\.test:\\d+/pult/s/reports/${n}\\b`));
    assert.equal(mails[0]!.to, 'med@example.ru');
    assert.equal(mails[0]!.subject, 'Новые ошибки МедицинаБольница в сервисе регистрации ошибок');
  });
});

describe('POST /pult/pushReport', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim()));
  after(() => t.stop());

  it('accepts the byte-exact platform request and stores the zip it carries', async () => {
    const type = sample('pushreport-multipart.content-type').toString('utf8').trim();
    const a = await post(`${t.base}/pushReport`, sample('pushreport-multipart.body'), type);
    assert.equal(a.status, 200);
    const files = zipFiles(t.storage);
    assert.equal(files.length, 1);
    assert.deepEqual(fs.readFileSync(files[0]!), sampleReport('client-error'));
  });

  it('counts the same report id once', async () => {
    const again = await pushReport(t.base, sampleReport('client-error'));
    assert.equal(again.status, 200);
    assert.equal(zipFiles(t.storage).length, 1);
  });

  it('counts hostile extra entries (../, absolute names, 300 tiny files) as attached files, stores the zip as sent and extracts nothing', async () => {
    const zip = new JSZip();
    zip.file('report.json', JSON.stringify(buildReportJson({ clientId: 'hostile-pc' })));
    zip.file('../../escape.txt', 'x');
    zip.file('/etc/pult-test-absolute.txt', 'x');
    for (let i = 0; i < 300; i++) zip.file(`tiny/${i}.txt`, String(i));
    const bytes = Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    const before = zipFiles(t.storage).length;
    assert.equal((await pushReport(t.base, bytes)).status, 200);
    const again = new JSZip();
    again.file('report.json', JSON.stringify(buildReportJson({ clientId: 'hostile-pc' })));
    again.file('../../escape.txt', 'y');
    assert.equal((await pushReport(t.base, Buffer.from(await again.generateAsync({ type: 'uint8array' })))).status, 200);
    const files = zipFiles(t.storage);
    assert.equal(files.length, before + 2, 'both stored: a report with files is never folded');
    assert.ok(files.some((f) => fs.readFileSync(f).equals(bytes)), 'byte for byte');
    assert.equal(fs.existsSync('/etc/pult-test-absolute.txt'), false);
    for (const dir of [t.storage, path.dirname(t.storage), t.dir]) assert.equal(fs.existsSync(path.join(dir, 'escape.txt')), false);
  });

  it('accepts the raw zip without multipart, and a doubled slash in the address', async () => {
    const before = zipFiles(t.storage).length;
    const a = await post(`${t.base}//pushReport`, sampleReport('minimal'), 'application/octet-stream');
    assert.equal(a.status, 200);
    assert.equal(zipFiles(t.storage).length, before + 1);
  });

  for (const name of BAD_SAMPLES) {
    it(`refuses bad/${name} with a 4xx and a Russian reason, stores nothing, stays alive`, async () => {
      const pid = t.pid();
      const before = zipFiles(t.storage).length;
      const a = await pushReport(t.base, sample(`bad/${name}`));
      assert.ok(a.status >= 400 && a.status < 500, `${a.status} ${a.body}`);
      assert.match(JSON.parse(a.body).error, /[А-Яа-я]/);
      assert.equal(zipFiles(t.storage).length, before);
      assert.equal(fs.readdirSync(path.join(t.storage, 'zips', 'incoming')).length, 0, 'nothing half-written');
      assert.equal((await request(`${t.base}/`)).status, 200);
      assert.equal(t.pid(), pid, 'the same process');
    });
  }

  it('refuses a body over the limit with 413 before reading it all', async () => {
    const huge = Buffer.alloc(65 * 1024 * 1024 + 1);
    const a = await post(`${t.base}/pushReport`, huge, 'application/zip');
    assert.equal(a.status, 413);
  });
});

describe('POST /pult/pushReport of a report without an id (a real 8.3.18 client sends none)', () => {
  let t: PultSim;
  before(async () => {
    t = await startPultSim();
    for (const name of ['compile-error-attached', 'compile-error-attached', 'compile-error-attached-repeat']) {
      assert.equal((await pushReport(t.base, sampleReport(name))).status, 200, name);
    }
    await t.stopKeep();
  });
  after(() => t.cleanup());

  it('counts a byte-identical second delivery once, and stores the occurrence that differs', async () => {
    assert.equal(zipFiles(t.storage).length, 2, 'the first and the repeat with another file; the redelivery stores nothing');
    const [e] = await withDatabase(t.storage, (db) => rows<{ reports_total: number }>(db, 'SELECT reports_total FROM errors'));
    assert.equal(e!.reports_total, 2, 'the redelivery is not counted');
    const uids = await withDatabase(t.storage, (db) => rows<{ uid: string }>(db, 'SELECT uid FROM report_uids'));
    assert.ok(uids.every((u) => u.uid.startsWith('zip-sha256:')), 'no invented report id');
  });
});

describe('POST /pult/getInfo', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim()));
  after(() => t.stop());

  const ask = (file: string) => post(`${t.base}/getInfo`, sample(`getinfo/${file}`), 'application/json');

  it('wants reports of an accepted configuration and version, with the message and dump type', async () => {
    for (const file of ['accepted.json', 'accepted-extended.json']) {
      const a = await ask(file);
      assert.equal(a.status, 200);
      assert.deepEqual(JSON.parse(a.body), { needSendReport: true, dumpType: 0, userMessage: 'Отчёт передан разработчикам' });
    }
  });

  it('does not want an unknown configuration or another version', async () => {
    for (const file of ['unknown-config.json', 'other-version.json']) {
      assert.deepEqual(JSON.parse((await ask(file)).body), { needSendReport: false });
    }
  });

  it('answers 400 with a Russian reason to a body that is not JSON, or has no configName', async () => {
    const bad = await ask('bad-not-json.txt');
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /JSON/);
    const noName = await getInfo(t.base, { configVersion: '1' });
    assert.equal(noName.status, 400);
    assert.match(JSON.parse(noName.body).error, /configName/);
  });
});
