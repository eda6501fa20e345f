import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KServer, Mail } from '../../src/kserver/api';
import { KServerMethodMissingError } from '../../src/kserver/errors';
import { silentLogger } from '../../src/log';
import { Notifier } from '../../src/notices/notifier';
import { readReport } from '../../src/intake/read-report';
import { registerReport } from '../../src/registry/register-report';
import { SettingsStore } from '../../src/registry/settings-store';
import { openStore, type Store } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all } from '../../src/storage/sql';
import { ZipStore } from '../../src/storage/zip-store';
import { buildReportZip } from '../helpers/build-report';

/** The monitor, as far as notices need it: SendMail that can be made to fail. */
function fakeKServer() {
  const sent: Mail[] = [];
  const state = { failures: 0, missing: false };
  const kserver = {
    has: (m: string) => m !== 'SendMail' || !state.missing,
    getServerInfo: async () => ({ Protocol: 'https', Host: 'kserver.test', Port: 443 }),
    sendMail: async (mail: Mail) => {
      if (state.missing) throw new KServerMethodMissingError('SendMail');
      if (state.failures > 0) {
        state.failures--;
        throw new Error('SMTP недоступен');
      }
      sent.push(mail);
      return true;
    },
  } as unknown as KServer;
  return { kserver, sent, state };
}

describe('new-error notices', () => {
  let dir: string;
  let store: Store;
  let zips: ZipStore;
  let settings: SettingsStore;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-notices-'));
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        configurations: [
          { name: 'МедицинаБольница', versions: [''], recipients: ['med@example.ru', 'lead@example.ru'] },
          { name: 'Тихая', versions: [''], recipients: [] },
        ],
      }),
    );
    store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => {} });
    zips = new ZipStore(path.join(dir, 'zips'));
    settings = SettingsStore.open(dir);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const register = async (texts: string[], configName = 'МедицинаБольница') =>
    registerReport(
      { store, zips, settings, log: silentLogger },
      { ...(await readReport(await buildReportZip({ texts, configName, clientId: null }), 1 << 20)), ip: undefined, receivedAt: new Date() },
    );
  const pending = () => store.read((db) => all<{ id: number; attempts: number }>(db, 'SELECT id, attempts FROM notices'));

  it('turns a burst of new errors into one mail per configuration, listing the first 20 with absolute links and a link to the rest', async () => {
    const { kserver, sent } = fakeKServer();
    const notifier = new Notifier({ store, kserver, settings, route: 'pult', log: silentLogger, batchMs: 50, retryMs: 10, maxRetryMs: 100 });
    for (let i = 0; i < 40; i++) await register([`Ошибка всплеска ${i}`]);
    await register(['Без получателей'], 'Тихая');
    await notifier.runOnce();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.to, 'med@example.ru,lead@example.ru');
    assert.equal(sent[0]!.subject, 'Новые ошибки МедицинаБольница в сервисе регистрации ошибок');
    const body = sent[0]!.body ?? '';
    for (let i = 0; i < 20; i++) assert.match(body, new RegExp(`Ошибка всплеска ${i}\\b`));
    assert.doesNotMatch(body, /Ошибка всплеска 20\b/, 'the 21st and later are counted, not listed');
    assert.match(body, /: 40\./);
    assert.match(body, /…и ещё 20\. Все ошибки: https:\/\/kserver\.test\/pult\/s\/errorsList\?config=%D0%9C/);
    assert.match(sent[0]!.body ?? '', /https:\/\/kserver\.test\/pult\/s\/reports\/\d+/);
    assert.deepEqual(pending(), [], 'sent and recipient-less notices leave the queue');
    await notifier.stop();
  });

  it('keeps a notice queued while SendMail fails and sends it on a later try', async () => {
    const { kserver, sent, state } = fakeKServer();
    state.failures = 2;
    const notifier = new Notifier({ store, kserver, settings, route: 'pult', log: silentLogger, batchMs: 0, retryMs: 20, maxRetryMs: 40 });
    await register(['Ошибка при сбое почты']);
    await notifier.runOnce();
    assert.equal(sent.length, 0);
    assert.equal(pending()[0]?.attempts, 1, 'still queued, one attempt counted');
    notifier.start(); // retries on its own timer
    const until = Date.now() + 3000;
    while (sent.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.body ?? '', /Ошибка при сбое почты/);
    assert.deepEqual(pending(), []);
    await notifier.stop();
  });

  it('waits when the monitor has no SendMail, without losing the notice', async () => {
    const { kserver, state } = fakeKServer();
    state.missing = true;
    const notifier = new Notifier({ store, kserver, settings, route: 'pult', log: silentLogger, batchMs: 0, retryMs: 10_000, maxRetryMs: 60_000 });
    await register(['Ошибка без почты']);
    await notifier.runOnce();
    assert.equal(pending().length, 1);
    await notifier.stop();
  });

  it('survives a restart: what was queued is sent by the next notifier', async () => {
    const { kserver, sent } = fakeKServer();
    const notifier = new Notifier({ store, kserver, settings, route: 'pult', log: silentLogger, batchMs: 0, retryMs: 10, maxRetryMs: 10 });
    // the notice of the previous test is still queued (its retry time is in the future)
    await store.write((db) => db.run("UPDATE notices SET next_attempt_at = '2000-01-01T00:00:00.000Z'"));
    await notifier.runOnce();
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.body ?? '', /Ошибка без почты/);
    await notifier.stop();
  });

  it('keeps the mail interval across a restart: the next notifier waits for it instead of mailing the queue at once', async () => {
    await store.write((db) => db.run('DELETE FROM mailed')); // the earlier tests' mails
    const first = fakeKServer();
    const a = new Notifier({ store, kserver: first.kserver, settings, route: 'pult', log: silentLogger, batchMs: 0, retryMs: 10, maxRetryMs: 10, minIntervalMs: 60_000 });
    a.start();
    await register(['До перезапуска']);
    await a.runOnce();
    assert.equal(first.sent.length, 1);
    await a.stop();
    const rows = store.read((db) => all<{ config_name: string }>(db, 'SELECT config_name FROM mailed'));
    assert.ok(rows.some((r) => r.config_name === 'МедицинаБольница'), 'the time of the mail is in the database');

    const second = fakeKServer();
    const b = new Notifier({ store, kserver: second.kserver, settings, route: 'pult', log: silentLogger, batchMs: 0, retryMs: 10, maxRetryMs: 10, minIntervalMs: 60_000 });
    b.start();
    await register(['После перезапуска']);
    await b.runOnce();
    assert.equal(second.sent.length, 0, 'mailed a moment ago, before the restart: the new error waits for the interval');
    assert.equal(pending().length, 1);
    await b.stop();
    await store.write((db) => db.run('DELETE FROM mailed'));
    await store.write((db) => db.run('DELETE FROM notices'));
  });

  it('keeps a lasting storm to a few mails: one batch window after every pass, one mail per interval', async () => {
    const { kserver, sent } = fakeKServer();
    const slow = kserver.sendMail;
    (kserver as { sendMail: typeof slow }).sendMail = async (m) => {
      await new Promise((r) => setTimeout(r, 100));
      return slow(m);
    };
    const notifier = new Notifier({ store, kserver, settings, route: 'pult', log: silentLogger, batchMs: 100, retryMs: 50, maxRetryMs: 50, minIntervalMs: 1000 });
    notifier.start();
    const started = Date.now();
    const n = 60;
    for (let i = 0; i < n; i++) {
      await register([`Шторм ${i}`]);
      notifier.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
    const stormMs = Date.now() - started;
    // Each mail says how many new errors it tells of; a long one lists the first ones and counts the rest.
    const told = () => sent.reduce((sum, m) => sum + Number(/конфигурации [^:]+: (\d+)\./.exec(m.body ?? '')?.[1] ?? 0), 0);
    await waitUntil(() => told() === n, 5000);
    await notifier.stop();
    // One mail per interval at most, however slow the machine made the storm.
    const allowed = Math.ceil(stormMs / 1000) + 1;
    assert.ok(sent.length >= 1 && sent.length <= allowed, `${sent.length} mails for ${n} new errors in ${stormMs} ms (at most ${allowed})`);
    assert.equal(told(), n, 'every new error is told of once');
    for (const m of sent) {
      const listed = (m.body ?? '').match(/Шторм \d+/g) ?? [];
      assert.ok(listed.length <= 20, `a mail lists at most 20 errors (${listed.length})`);
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
