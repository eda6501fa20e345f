import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushReport, pushReportBody } from '../../sim/platform/report-client';
import { REPO, startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';
import { sample, sampleReport } from '../helpers/samples';
import { cookieOf, request, SESSION } from '../sim/helpers';

describe('pult in the simulator', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim()));
  after(() => t.stop());

  it('answers under /pult/ with the address to give an infobase, built from GetServerInfo', async () => {
    const r = await request(`${t.base}/`);
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`https://kserver\\.test:${t.sim.port}/pult`));
  });

  it('serves its stylesheet', async () => {
    const r = await request(`${t.base}/static/pult.css`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /text\/css/);
  });

  it('refuses s/ to an anonymous visitor with a Russian 403 page and a link to the login page', async () => {
    const r = await request(`${t.base}/s/errorsList`, { headers: { accept: 'text/html' } });
    assert.equal(r.status, 403);
    assert.match(r.text, /Страницы pult открываются после входа в KServer/);
    assert.match(r.text, /href="\/_sim\/login\?next=%2Fpult%2Fs%2FerrorsList" data-login/);
  });

  it('refuses s/ to a user without the reading right', async () => {
    const r = await request(`${t.base}/s/`, { headers: { cookie: cookieOf(SESSION.guest) } });
    assert.equal(r.status, 403);
  });

  it('never opens s/ by another spelling of the path', async () => {
    await pushReport(t.base, sampleReport('client-error'));
    for (const p of ['/pult/S/errorsList', '/PULT/s/errorsList', '/pult/S/reports/1', '/pult/S/reports/1/zip/1', '/Pult/S/settings']) {
      const r = await request(`${t.sim.url}${p}`);
      assert.ok(r.status === 403 || r.status === 404, `${p}: ${r.status}`);
      assert.doesNotMatch(String(r.headers['content-type']), /zip/);
    }
    const forged = await request(`${t.sim.url}/pult/S/settings`, {
      method: 'POST',
      headers: { cookie: cookieOf(SESSION.admin), origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'userMessage=x',
    });
    assert.ok(forged.status === 403 || forged.status === 404, `forged POST: ${forged.status}`);
    assert.equal(JSON.parse(fs.readFileSync(path.join(t.storage, 'settings.json'), 'utf8')).configurations.length, 1, 'settings untouched');
  });

  it('does not accept one user\'s form token in another user\'s session', async () => {
    const page = await request(`${t.base}/s/reports/1`, { headers: { cookie: cookieOf(SESSION.reader) } });
    const csrfCookie = String(page.headers['set-cookie']).match(/pult_csrf=([^;]+)/)![1]!;
    const token = page.text.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const as = (session: number) =>
      request(`${t.base}/s/errors/1/state`, {
        method: 'POST',
        headers: { cookie: `${cookieOf(session)}; pult_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `_csrf=${encodeURIComponent(token)}&rev=1&status=in-work`,
      });
    const planted = await as(SESSION.admin);
    assert.equal(planted.status, 403, 'planted in the administrator\'s browser');
    assert.equal(planted.json().code, 'csrf');
    assert.equal((await as(SESSION.reader)).status, 200, 'in its own session');
  });

  it('lets a reader in', async () => {
    const r = await request(`${t.base}/s/`, { headers: { cookie: cookieOf(SESSION.reader) } });
    assert.ok(r.status === 200 || (r.status >= 300 && r.status < 400), `status ${r.status}`);
  });

  it('refuses a licensed user once the reading licence has no free seat, saying so', async () => {
    // The reading licence has 2 seats: the reader holds one, the administrator takes the other.
    assert.notEqual((await request(`${t.base}/s/`, { headers: { cookie: cookieOf(SESSION.admin) } })).status, 403);
    const r = await request(`${t.base}/s/`, { headers: { cookie: cookieOf(SESSION.support2) } });
    assert.equal(r.status, 403);
    assert.match(r.text, /мест/i);
  });
});

describe('pult with a broken configuration', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim({ pultConfig: { features: { read: 'чтение' } } })));
  after(() => t.stop());

  it('keeps running and tells every visitor it is not started, without paths; the log has the details', async () => {
    for (const p of ['/', '/s/errorsList']) {
      const r = await request(`${t.base}${p}`);
      assert.equal(r.status, 503);
      assert.match(r.text, /pult не запущен: ошибка в параметрах \(pult\.config\.json\)/);
      assert.doesNotMatch(r.text, /\/tmp\//);
    }
    const push = await pushReport(t.base, sampleReport('client-error'));
    assert.equal(push.status, 503);
    assert.match(JSON.parse(push.body).error, /не запущен/);
    await waitFor(() => (t.lines.some((l) => /features\.read/.test(l)) ? true : undefined), 3000, 'the details in the log');
  });
});

const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const { pult: _pult, ...WITHOUT_PULT } = OWN_PACKAGE;
const INFOS: [string, unknown][] = [
  ['Info is package.json', OWN_PACKAGE],
  ['Info is {}', {}],
  ['Info lacks the pult section', WITHOUT_PULT],
];

for (const [infoCase, info] of INFOS) describe(`pult under the original simulator (global KodeksApi, no methods), ${infoCase}`, () => {
  let dir: string;
  let child: ChildProcess;
  let socketPath: string;
  let output = '';

  const call = (method: string, p: string, body?: Buffer, type?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ socketPath, path: p, method, headers: type ? { 'content-type': type, accept: 'text/html' } : { accept: 'text/html' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-original-'));
    const storage = path.join(dir, 'storage');
    fs.mkdirSync(storage);
    fs.writeFileSync(path.join(storage, 'settings.json'), JSON.stringify({ configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: ['a@b.ru'] }] }));
    socketPath = path.join(dir, 'pult.sock');
    const props = { Name: 'pult', Path: path.join(dir, 'pult'), StoragePath: storage, LogsPath: dir, SocketPath: socketPath, Info: info, Main: path.join(REPO, 'dist', 'pult.js') };
    child = fork(path.join(__dirname, '..', 'fixtures', 'original-sim-child.js'), [JSON.stringify(props)], { stdio: 'pipe' });
    child.stdout!.on('data', (c: Buffer) => (output += c));
    child.stderr!.on('data', (c: Buffer) => (output += c));
    child.on('exit', (code, signal) => (output += `\n[exited ${code} ${signal}]`));
    await waitFor(() => (output.includes('pult слушает') ? true : undefined), 10000, 'pult to listen').catch((err) => {
      throw new Error(`${err.message}\n${output}`);
    });
  });
  after(() => {
    if (process.env.SIM_LOG) process.stderr.write(output);
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes reports', async () => {
    const info = await call('POST', '/pult/getInfo', sample('getinfo/accepted.json'), 'application/json');
    assert.equal(JSON.parse(info.text).needSendReport, true);
    const { body, contentType } = pushReportBody(sampleReport('client-error'));
    assert.equal((await call('POST', '/pult/pushReport', body, contentType)).status, 200);
  });

  it('never opens s/: it says access cannot be checked here', async () => {
    for (const p of ['/pult/s/', '/pult/s/errorsList', '/pult/s/settings', '/pult/s/reports/1']) {
      const r = await call('GET', p);
      assert.equal(r.status, 503, p);
      assert.match(r.text, /не может быть проверен/);
    }
    const post = await call('POST', '/pult/s/settings', Buffer.from('x=1'), 'application/x-www-form-urlencoded');
    assert.equal(post.status, 503);
  });

  it('took the feature ids from its own package.json when Info had none, and said so', () => {
    const said = /раздел pult в Info/.test(output);
    assert.equal(said, info !== OWN_PACKAGE, output);
    assert.doesNotMatch(output, /Invalid input|expected object/);
  });
});
