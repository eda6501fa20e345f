import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadPluginConfig } from '../../src/config/plugin-config';
import { createKServer } from '../../src/kserver/api';
import { readHostProps } from '../../src/kserver/host';
import { SettingsStore } from '../../src/registry/settings-store';
import { buildReportZip } from '../helpers/build-report';
import { startApp, type TestApp } from '../pages/harness';

/**
 * Every way a person can be refused for a bad value: the message must say it in Russian.
 * Field names and paths are Latin by nature, so a message counts as Russian when it has at
 * least one Cyrillic letter once the field names and paths (a.b.0.c) are taken out.
 */
function assertRussian(message: string, what: string): void {
  const words = message.replace(/[A-Za-z_][\w]*(\.[\w]+)*/g, '');
  assert.match(words, /[А-Яа-яЁё]/, `${what}: a Latin-only message «${message}»`);
  assert.doesNotMatch(message, /Invalid input|expected \w+, received|Too (big|small)|Unrecognized key/, `${what}: zod's English in «${message}»`);
}

function post(app: TestApp, urlPath: string, body: Buffer, type: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: app.port, method: 'POST', path: urlPath, headers: { 'content-type': type } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const BAD_GETINFO: unknown[] = [{}, { configName: 5 }, { configName: '' }, { configName: null }, [], 'текст', 7, null, { configName: ['a'] }];

const BAD_REPORTS: [string, (j: Record<string, any>) => void][] = [
  ['no configInfo', (j) => delete j.configInfo],
  ['configInfo a string', (j) => (j.configInfo = 'x')],
  ['name a number', (j) => (j.configInfo.name = 5)],
  ['name empty', (j) => (j.configInfo.name = '')],
  ['version missing', (j) => delete j.configInfo.version],
  ['extentions an object', (j) => (j.configInfo.extentions = { a: 1 })],
  ['extentions of numbers', (j) => (j.configInfo.extentions = [1, 2])],
  ['errors a string', (j) => (j.errorInfo.applicationErrorInfo.errors = 'x')],
  ['errors of numbers', (j) => (j.errorInfo.applicationErrorInfo.errors = [1])],
  ['stackHash a number', (j) => (j.errorInfo.applicationErrorInfo.stackHash = 1)],
  ['errorInfo a list', (j) => (j.errorInfo = [])],
];

const BAD_SETTINGS: unknown[] = [
  [],
  { configurations: 'x' },
  { configurations: [{}] },
  { configurations: [{ name: 5, versions: 'x', recipients: ['не адрес'] }] },
  { configurations: [{ name: 'А', versions: [''], recipients: [] }, { name: 'А', versions: [''], recipients: [] }] },
  { dumpType: 'x' },
  { dumpType: 1.5 },
  { userMessage: 5 },
  { userMessage: 'x'.repeat(100_000) },
];

const BAD_CONFIGS: unknown[] = [
  { features: { read: 'x' } },
  { features: { read: -1, admin: 1.5 } },
  { accessCacheSeconds: 1e9 },
  { kserverTimeoutMs: 1 },
  { notices: { batchSeconds: 'x', retrySeconds: 0 } },
  { limits: { requestBytes: 10, inFlightBytes: true } },
  { notices: 5 },
];

describe('every refusal a person can meet says it in Russian', () => {
  it('getInfo with a bad body (over HTTP)', async (t) => {
    const app = await startApp(t);
    for (const body of BAD_GETINFO) {
      const a = await post(app, '/pult/getInfo', Buffer.from(JSON.stringify(body)), 'application/json');
      assert.equal(a.status, 400, JSON.stringify(body));
      assertRussian(JSON.parse(a.text).error, `getInfo ${JSON.stringify(body)}`);
    }
  });

  it('pushReport with a report.json of a bad shape (over HTTP)', async (t) => {
    const app = await startApp(t);
    for (const [what, edit] of BAD_REPORTS) {
      const a = await post(app, '/pult/pushReport', await buildReportZip({ edit }), 'application/zip');
      assert.ok(a.status >= 400 && a.status < 500, `${what}: ${a.status}`);
      assertRussian(JSON.parse(a.text).error, `report.json ${what}`);
    }
  });

  it('settings.json with bad rules, and the same through the settings page', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-ru-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const bad of BAD_SETTINGS) {
      fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(bad));
      assert.throws(() => SettingsStore.open(dir), (err: Error) => {
        for (const problem of err.message.replace(/^[^:]*settings\.json: /, '').split('; ')) assertRussian(problem, `settings.json ${JSON.stringify(bad).slice(0, 60)}`);
        return true;
      });
    }
    const app = await startApp(t);
    const admin = app.browser('admin');
    await admin.get('/pult/s/settings');
    const page = await admin.post('/pult/s/settings', { name_0: 'А', versions_0: '', recipients_0: 'не адрес, @@', dumpType: 'x', userMessage: '' }, { accept: 'text/html' });
    assert.equal(page.status, 400);
    const shown = [...page.text.matchAll(/class="field-error"[^>]*>([^<]+)</g)].map((m) => m[1]!);
    assert.ok(shown.length > 0, 'the page names the problems');
    for (const m of shown) assertRussian(m, 'settings form');
  });

  it('pult.config.json with bad values', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-ru-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pkg = { pult: { features: { read: 50101, admin: 50102 } } };
    for (const bad of [...BAD_CONFIGS, undefined]) {
      if (bad === undefined) fs.rmSync(path.join(dir, 'pult.config.json'), { force: true });
      else fs.writeFileSync(path.join(dir, 'pult.config.json'), JSON.stringify(bad));
      assert.throws(() => loadPluginConfig(bad === undefined ? {} : pkg, dir), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const p of err.problems) assertRussian(p, `pult.config.json ${JSON.stringify(bad)}`);
        return true;
      });
    }
  });

  it('the host\'s properties and answers', async () => {
    for (const bad of [{}, { StoragePath: 5, SocketPath: '' }, { StoragePath: '/x', SocketPath: '/y', Info: 'x' }, { StoragePath: '/x', SocketPath: '/y', Path: 5 }]) {
      assert.throws(() => readHostProps(bad, 'KServerApi'), (err: Error) => {
        assertRussian(err.message.replace(/^[^:]*: /, ''), `host ${JSON.stringify(bad)}`);
        for (const p of err.message.split(': ').slice(1).join(': ').split('; ')) assertRussian(p, `host ${JSON.stringify(bad)}`);
        return true;
      });
    }
    const answers: unknown[] = [5, 'не JSON', null, true, [1, 2], { granted: 'да', authenticated: 'нет', Port: {} }];
    for (const answer of answers) {
      const k = createKServer({ CheckAccess: () => answer, UserInfo: () => answer, GetServerInfo: () => answer } as never, { timeoutMs: 1000 });
      for (const call of [() => k.checkAccess(50101, 0, 1 as never), () => k.userInfo(1 as never), () => k.getServerInfo()] as (() => Promise<unknown>)[]) {
        await assert.rejects(call(), (err: Error) => {
          const detail = /\((.*)\)$/.exec(err.message)?.[1] ?? '';
          assertRussian(err.message, `host answer ${JSON.stringify(answer)}`);
          for (const p of detail.split('; ').filter(Boolean)) assertRussian(p, `host answer ${JSON.stringify(answer)}`);
          return true;
        });
      }
    }
  });
});
