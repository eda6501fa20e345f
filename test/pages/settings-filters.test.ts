import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BASE, MED_SETTINGS, startApp } from './harness';

const SETTINGS = `${BASE}s/settings`;
const fileOf = (app: { dir: string }) => JSON.parse(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'));

function form(fields: Record<string, string> = {}): Record<string, string> {
  return {
    name_0: 'МедицинаБольница',
    mode_0: 'list',
    versions_0: '2.0.6.',
    recipients_0: 'med@example.ru',
    name_1: '',
    mode_1: 'list',
    versions_1: '',
    recipients_1: '',
    userMessage: MED_SETTINGS.userMessage,
    dumpType: '0',
    ...fields,
  };
}

describe('settings page: noise filters and address lists', () => {
  it('stores categories, "only own code" and both address lists, shows them again in the form and to a reader', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    const res = await browser.post(SETTINGS, {
      rev: browser.rev,
      ...form({ skipCategories_0: 'NetworkError, ScriptCompileError', ownCodeOnly_0: '1', allowAddresses: '10.0.0.0/8\n2001:db8::/32', denyAddresses: '10.6.6.6, ::ffff:10.7.0.0/112' }),
    });
    assert.equal(res.status, 303, res.text);
    const saved = fileOf(app);
    assert.deepEqual(saved.configurations[0], {
      name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: ['med@example.ru'], skipCategories: ['NetworkError', 'ScriptCompileError'], ownCodeOnly: true,
    });
    assert.deepEqual(saved.addresses, { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.6', '::ffff:10.7.0.0/112'] });
    const page = await browser.get(SETTINGS);
    assert.match(page.text, /name="skipCategories_0" value="NetworkError, ScriptCompileError"/);
    assert.match(page.text, /name="ownCodeOnly_0" value="1" checked/);
    assert.match(page.text, /<textarea id="allowAddresses"[^>]*>10\.0\.0\.0\/8\n2001:db8::\/32<\/textarea>/);
    const reader = await app.browser('reader').get(SETTINGS);
    assert.match(reader.text, /не просить отчёт об ошибках категорий NetworkError, ScriptCompileError; только ошибки в коде конфигурации/);
    assert.match(reader.text, /10\.6\.6\.6, ::ffff:10\.7\.0\.0\/112/);

    // Emptied: no filter keys are left behind.
    await browser.get(SETTINGS);
    assert.equal((await browser.post(SETTINGS, { rev: browser.rev, ...form() })).status, 303);
    const cleared = fileOf(app);
    assert.equal('addresses' in cleared, false);
    assert.equal('skipCategories' in cleared.configurations[0], false);
  });

  it('refuses malformed addresses and hostile categories with Russian messages next to the fields; markup stays inert; nothing saved', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    const before = fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8');
    const res = await browser.post(SETTINGS, {
      rev: browser.rev,
      ...form({ skipCategories_0: '<script>alert(1)</script>', allowAddresses: '10.0.0.0/33', denyAddresses: '<img src=x onerror=alert(1)>' }),
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="err-skipCategories_0"[^>]*>категория ошибок — одно слово из букв, цифр и «_», например NetworkError/);
    assert.match(res.text, /id="err-addresses\.allow"[^>]*>«10\.0\.0\.0\/33» в списке разрешённых — не IP-адрес и не диапазон CIDR/);
    assert.match(res.text, /id="err-addresses\.deny"[^>]*>«&lt;img/);
    assert.doesNotMatch(res.text, /<script>alert|<img src=x/, 'what was typed is escaped');
    assert.match(res.text, /<input [^>]*id="skipCategories_0"[^>]* autofocus/);
    assert.equal(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'), before);
  });
});
