import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nextEvent, request, startTestSim, type TestSim } from './helpers';

describe('SendMail(to, subj?, body?, cc?, attachments?)', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ probe: 'probe' });
  });
  after(() => t?.stop());

  it('writes the mail into the outbox as a JSON file, logs it and emits "mail"', async () => {
    const attachment = path.join(t.dir, 'report.zip');
    await writeFile(attachment, 'PK-not-really');
    const heard = nextEvent(t.sim.events, 'mail');
    const r = await t.call('SendMail', ['a@example.test, b@example.test', 'Новая ошибка', 'Текст <b>письма</b>', 'c@example.test', [attachment]]);
    assert.deepEqual(r, { ok: true, value: true, type: 'boolean' });

    const files = await readdir(t.sim.outboxDir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-\d{4}\.json$/);
    const mail = JSON.parse(await readFile(path.join(t.sim.outboxDir, files[0]!), 'utf8'));
    assert.deepEqual({ ...mail, time: 'x' }, {
      to: 'a@example.test, b@example.test',
      cc: 'c@example.test',
      subject: 'Новая ошибка',
      body: 'Текст <b>письма</b>',
      attachments: [{ path: attachment, size: 13 }],
      plugin: 'probe',
      time: 'x',
    });
    assert.equal((await heard).file, files[0]);
    assert.ok(t.lines.some((l) => l.includes('[probe] письмо для a@example.test, b@example.test: «Новая ошибка»')));
  });

  it('rejects with an Error, writing nothing, without "to" or with a missing attachment', async () => {
    const before = (await readdir(t.sim.outboxDir)).length;
    for (const args of [[''], [undefined, 'тема'], ['a@example.test', 's', 'b', undefined, ['/no/such/file']]]) {
      const r = await t.call('SendMail', args);
      assert.ok(!r.ok && r.isError, `SendMail(${JSON.stringify(args)}) must reject`);
    }
    assert.equal((await readdir(t.sim.outboxDir)).length, before);
  });

  it('shows the mails on /_sim/outbox, newest first, escaped, each opening in full', async () => {
    await t.call('SendMail', ['z@example.test', 'Вторая <тема>', 'тело']);
    const list = await request(`${t.sim.url}/_sim/outbox`);
    assert.equal(list.status, 200);
    assert.match(list.headers['content-type'] ?? '', /text\/html; charset=utf-8/);
    assert.ok(list.text.indexOf('Вторая &#60;тема&#62;') < list.text.indexOf('Новая ошибка'), 'newest first');
    assert.ok(!list.text.includes('<тема>'));

    const link = /href="(\/_sim\/outbox\/[^"]+)"/.exec(list.text)?.[1];
    assert.ok(link);
    const one = await request(`${t.sim.url}${link}`);
    assert.equal(one.status, 200);
    assert.match(one.text, /z@example\.test/);
    assert.equal((await request(`${t.sim.url}/_sim/outbox/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    assert.equal((await request(`${t.sim.url}/_sim/outbox/%E0%A4%A`)).status, 404, 'a malformed escape is not a 500');
    assert.match((await request(`${t.sim.url}/_sim/`)).text, /писем 2/);
  });
});
