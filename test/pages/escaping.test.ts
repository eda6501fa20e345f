import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import JSZip from 'jszip';
import { readReport } from '../../src/intake/read-report';
import { registerReport } from '../../src/registry/register-report';
import { silentLogger } from '../../src/log';
import { sampleReportJson } from '../helpers/samples';
import { BASE, startApp, USERS, type TestApp } from './harness';

const HOSTILE_CONFIG = 'Конф<img src=x onerror=alert(1)>';

/** A report whose every client-controlled text is markup. */
async function hostileZip(): Promise<Buffer> {
  const json = sampleReportJson('client-error') as Record<string, any>;
  json.id = '11111111-2222-3333-4444-555555555555';
  json.configInfo.name = HOSTILE_CONFIG;
  json.configInfo.version = '1.0"><script>alert("v")</script>';
  json.configInfo.extentions = [['<svg onload=alert(2)>', '"><script>alert(3)</script>']];
  json.sessionInfo.userName = '<script>alert("user")</script>Иванов';
  json.sessionInfo.dataSeparation = '<b>область</b>';
  json.serverInfo.dbms = '<i>PostgreSQL</i>';
  json.errorInfo.userDescription = '</textarea><script>alert("descr")</script>';
  json.errorInfo.applicationErrorInfo.errors = [
    ['<script>alert("outer")</script>', ['ExceptionRaisedFromScript']],
    ['{{ 7*7 }} {% raw %} <a href="javascript:alert(4)">клик</a>', ['ExceptionRaisedFromScript']],
  ];
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(json));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function withHostileError(t: Parameters<typeof startApp>[0]): Promise<TestApp> {
  const app = await startApp(t, { configurations: [{ name: HOSTILE_CONFIG, versions: [''], recipients: [] }], userMessage: '<script>alert("msg")</script>', dumpType: 0 });
  await registerReport(
    { store: app.store, zips: app.zips, settings: app.settings, log: silentLogger },
    { ...(await readReport(await hostileZip(), 1 << 20)), ip: '<script>alert("ip")</script>', receivedAt: new Date() },
  );
  return app;
}

/** No markup from the client survives as markup: only our own tags. */
function assertInert(html: string, where: string) {
  assert.doesNotMatch(html, /<script>alert|<img src=x|<svg onload|<b>область|<i>PostgreSQL|<a href="javascript:/, where);
  // an attribute broken out of: the payloads' quotes must arrive as &quot;
  assert.doesNotMatch(html, /"><script>|<\/textarea><script>/, where);
}

describe('client text on the pages', () => {
  it('is escaped in the errors list: texts, configuration, version, extensions, filter options', async (t) => {
    const app = await withHostileError(t);
    const res = await app.browser('reader').get(`${BASE}s/errorsList`);
    assertInert(res.text, 'errorsList');
    assert.match(res.text.replaceAll('<wbr>', ''), /&lt;script&gt;alert\(&quot;outer&quot;\)&lt;\/script&gt;/);
    assert.match(res.text, /\{\{ 7\*7 \}\} \{% raw %\}/, 'template syntax in client text is not evaluated');
    assert.match(res.text, /Конф&lt;img src=x onerror=alert\(1\)&gt;/);
    const errors = await app.browser('reader').get(`${BASE}s/errorsList?view=errors`);
    assertInert(errors.text, 'errorsList?view=errors');
    assert.match(errors.text, /&lt;svg onload=alert\(2\)&gt;/, 'the extensions, in the unique errors');
  });

  it('is escaped on the error page: user, IP, data separation, DBMS, descriptions', async (t) => {
    const app = await withHostileError(t);
    const res = await app.browser('reader').get(`${BASE}s/reports/1`);
    assert.equal(res.status, 200);
    assertInert(res.text, 'reports/1');
    assert.match(res.text, /&lt;script&gt;alert\(&quot;user&quot;\)&lt;\/script&gt;Иванов/);
    assert.match(res.text, /&lt;\/textarea&gt;&lt;script&gt;alert\(&quot;descr&quot;\)/);
    assert.match(res.text, /&lt;script&gt;alert\(&quot;ip&quot;\)/);
  });

  it('is escaped on the settings and clear pages (configuration names, the user message)', async (t) => {
    const app = await withHostileError(t);
    const admin = app.browser('admin');
    const settings = await admin.get(`${BASE}s/settings`);
    assertInert(settings.text, 'settings');
    assert.match(settings.text, /value="Конф&lt;img src=x onerror=alert\(1\)&gt;"/);
    assert.match(settings.text, /&lt;script&gt;alert\(&quot;msg&quot;\)&lt;\/script&gt;<\/textarea>/);
    await app.settings.update({ configurations: [], userMessage: '', dumpType: 0 });
    const clear = await admin.get(`${BASE}s/clear`);
    assertInert(clear.text, 'clear');
    assert.match(clear.text, /Конф&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('escapes a KServer user name with markup in the header, the owner and the history', async (t) => {
    const app = await withHostileError(t);
    const evil = app.browser('evil');
    await evil.get(`${BASE}s/reports/1`);
    await evil.post(`${BASE}s/errors/1/state`, { rev: '1', status: 'in-work', comment: '<script>alert("comment")</script>\nвторая строка' });
    const res = await evil.get(`${BASE}s/errorsList`);
    assertInert(res.text, 'errorsList as evil');
    assert.doesNotMatch(res.text, /<script>alert\("name"\)/);
    assert.match(res.text, /<span class="who" title="evil&lt;script&gt;">&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;&lt;b&gt;Злоумышленник&lt;\/b&gt;<\/span>/);
    assert.match(res.text, /<span class="owner" title="evil&lt;script&gt;">&lt;script&gt;/);
    const page = await evil.get(`${BASE}s/reports/1`);
    assertInert(page.text, 'error page as evil');
    assert.match(page.text, /<div class="comment">&lt;script&gt;alert\(&quot;comment&quot;\)&lt;\/script&gt;\nвторая строка<\/div>/, 'the comment is text, line breaks kept');
    const json = await evil.get(`${BASE}s/reports/1`, { accept: 'application/json' });
    assert.equal(JSON.parse(json.text).state.owner.name, USERS.evil.name, 'JSON carries the text as text');
  });
});
