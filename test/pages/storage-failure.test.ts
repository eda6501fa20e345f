import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import path from 'node:path';
import { createLogger } from '../../src/log';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { breakJournal } from '../helpers/break-journal';
import { sampleReport } from '../helpers/samples';
import { rows, startApp, type TestApp } from './harness';

const CYRILLIC = /[А-Яа-яЁё]/;



/** A report as the platform sends it (the harness's request() sends text, a zip is bytes). */
function push(app: TestApp): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: app.port, method: 'POST', path: '/pult/pushReport', headers: { 'content-type': 'application/zip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(sampleReport('client-error-other-pc'));
  });
}

describe('when the store stops taking writes under a running pult', () => {
  it('pushReport answers 503 with Retry-After and a Russian reason, a person gets a Russian page, the log the details', async (t) => {
    const lines: string[] = [];
    const app = await startApp(t, undefined, createLogger((l) => lines.push(l)));
    await app.register('client-error');
    const reader = app.browser('reader');
    await reader.get('/pult/s/reports/1'); // a page, for the form token
    t.after(breakJournal(app.store));

    const a = await push(app);
    assert.equal(a.status, 503);
    assert.equal(a.headers['retry-after'], '60');
    const json = JSON.parse(a.text);
    assert.equal(json.code, 'storage-unavailable');
    assert.match(json.error, /Хранилище отчётов сейчас недоступно/);
    assert.doesNotMatch(a.text, /at |StorageFailedError|Error:/);

    const mark = await reader.post('/pult/s/errors/1/state', { rev: '1', status: 'in-work' }, { accept: 'text/html' });
    assert.equal(mark.status, 503);
    assert.match(String(mark.headers['content-type']), /html/);
    assert.match(mark.text, /Недоступно/);
    assert.match(mark.text, /Хранилище отчётов сейчас недоступно/);

    const log = lines.join('\n');
    assert.match(log, /POST \/pult\/pushReport → 503/);
    assert.match(log, /Не удалось сохранить изменения на диск/, 'the cause, for the administrator');

    // What a restart finds: the acknowledged report only.
    await app.store.close();
    const reopened = await openStore({ dir: path.join(app.dir, 'db'), migrations: MIGRATIONS, log: () => undefined });
    const count = rows(reopened, 'SELECT count(*) AS n FROM reports')[0]!.n;
    await reopened.close();
    assert.equal(count, 1, 'the refused report is not half-written');
  });

  it('after the store is closed, s/ pages say so in Russian and pushReport asks to retry', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    await app.store.close();
    const page = await app.browser('reader').get('/pult/s/errorsList');
    assert.equal(page.status, 503);
    assert.match(page.text, /Хранилище отчётов сейчас недоступно/);
    const a = await push(app);
    assert.equal(a.status, 503);
    assert.equal(a.headers['retry-after'], '60');
    assert.match(JSON.parse(a.text).error, CYRILLIC);
  });
});
