import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BASE, buildErrors, MED_SETTINGS, startApp } from './harness';
import { buildReportZip } from '../helpers/build-report';

const SETTINGS = `${BASE}s/settings`;
const fileOf = (app: { dir: string }) => JSON.parse(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'));

/** The form as the page shows it for MED_SETTINGS, changed by `fields`. */
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

describe('GET /pult/s/settings', () => {
  it('shows a reader the rules read-only, with a note, and the key rules', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(SETTINGS);
    assert.equal(res.status, 200);
    assert.match(res.text, /Изменять настройки могут только администраторы pult/);
    assert.doesNotMatch(res.text, /<form method="post" action="\/pult\/s\/settings"/);
    assert.match(res.text, /<td data-label="Конфигурация">МедицинаБольница<\/td>/);
    assert.match(res.text, /начинающиеся с: <code>2\.0\.6\.<\/code>/);
    assert.match(res.text, /med@example\.ru/);
    assert.match(res.text, /Спасибо, отчёт поможет нам исправить ошибку/);
    assert.match(res.text, /<h2>Уникальная ошибка<\/h2>/);
    assert.match(res.text, /хеш стека конфигурации/);
    assert.match(res.text, /<h3>Повторы<\/h3>/);
    assert.doesNotMatch(res.text, /href="\/pult\/s\/clear"/, 'no admin links for a reader');
  });

  it('tells apart "every version" and "no version" for readers', async (t) => {
    const app = await startApp(t, {
      configurations: [
        { name: 'Все', versions: [''], recipients: [] },
        { name: 'Никакие', versions: [], recipients: [] },
      ],
      userMessage: '',
      dumpType: 0,
    });
    const res = await app.browser('reader').get(SETTINGS);
    assert.match(res.text, /<td data-label="Версии">все версии/);
    assert.match(res.text, /ни одной — отчёты не принимаются/);
  });

  it('gives an administrator the form: one row per configuration, an empty row to add one', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('admin').get(SETTINGS);
    assert.match(res.text, /<form method="post" action="\/pult\/s\/settings"/);
    assert.match(res.text, /name="name_0" value="МедицинаБольница"/);
    assert.match(res.text, /name="mode_0" value="list" checked/);
    assert.match(res.text, /<textarea id="versions_0" name="versions_0"[^>]*>2\.0\.6\.<\/textarea>/);
    assert.match(res.text, /name="recipients_0" value="med@example\.ru"/);
    assert.match(res.text, /name="delete_0"/);
    assert.match(res.text, /<legend>Добавить конфигурацию<\/legend>/);
    assert.match(res.text, /name="name_1" value=""/);
    assert.match(res.text, /пустые строки не учитываются/);
    assert.match(res.text, /href="\/pult\/s\/clear"/);
  });
});

describe('POST /pult/s/settings', () => {
  it('when an administrator adds a configuration, stores it durably, applies it at once and says so', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    const res = await browser.post(
      SETTINGS,
      { rev: browser.rev, ...form({ name_1: 'Бухгалтерия', mode_1: 'all', recipients_1: 'buh@example.ru; chief@example.ru', userMessage: 'Отчёт получен', dumpType: '3' }) },
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, SETTINGS, 'nothing in the address that would say "saved" again on reload');
    const expected = {
      configurations: [
        { name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: ['med@example.ru'] },
        { name: 'Бухгалтерия', versions: [''], recipients: ['buh@example.ru', 'chief@example.ru'] },
      ],
      userMessage: 'Отчёт получен',
      dumpType: 3,
    };
    assert.deepEqual(fileOf(app), expected);
    assert.deepEqual(app.settings.get(), expected);
    const getInfo = await app.request('POST', `${BASE}getInfo`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ configName: 'Бухгалтерия', configVersion: '3.0.1.1', appVersion: '8.3.24.1548', platformType: 'Windows_x86_64', appName: '1CV8C', configHash: 'x', extentionsHash: [], clientID: 'x', systemInfo: {}, stackHash: 'x' }),
    });
    assert.equal(JSON.parse(getInfo.text).needSendReport, true, 'getInfo sees the new rule at once');
    const page = await browser.get(SETTINGS);
    assert.match(page.text, /Настройки сохранены и уже действуют/);
    const reload = await browser.get(SETTINGS);
    assert.doesNotMatch(reload.text, /Настройки сохранены/, 'F5 does not say it again');
    const link = await browser.get(`${SETTINGS}?saved=1`);
    assert.doesNotMatch(link.text, /Настройки сохранены/, 'an old address with ?saved=1 says nothing either');
  });

  it('reads versions one per line or comma-separated, and "no version" as an empty list', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    await browser.post(SETTINGS, { rev: browser.rev, ...form({ versions_0: '2.0.6.\n\n 2.0.7., 2.1\n', name_1: 'Пауза', mode_1: 'none' }) });
    assert.deepEqual(fileOf(app).configurations, [
      { name: 'МедицинаБольница', versions: ['2.0.6.', '2.0.7.', '2.1'], recipients: ['med@example.ru'] },
      { name: 'Пауза', versions: [], recipients: [] },
    ]);
  });

  it('deletes a configuration whose box is ticked', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    await browser.post(SETTINGS, { rev: browser.rev, ...form({ delete_0: '1' }) });
    assert.deepEqual(fileOf(app).configurations, []);
  });

  it('when the input is invalid, answers 400 with the form re-shown, values kept and messages by the fields; nothing saved', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    const before = fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8');
    const res = await browser.post(
      SETTINGS,
      form({ recipients_0: 'med@example.ru, не-адрес', name_1: 'Новая', versions_1: '\n  \n', dumpType: 'много', userMessage: 'сообщение' }),
    );
    assert.equal(res.status, 400);
    assert.match(res.text, /Настройки не сохранены/);
    assert.match(res.text, /<p class="field-error" id="err-recipients_0" role="alert">«не-адрес» — не адрес электронной почты<\/p>/);
    assert.match(res.text, /id="err-versions_1"[^>]*>перечислите версии или выберите «все версии» либо «ни одной версии»/);
    assert.match(res.text, /id="err-dumpType"[^>]*>тип дампа — целое число/);
    assert.match(res.text, /<input [^>]*id="dumpType"[^>]*aria-invalid="true"/, 'the dump type shows its error like the other fields');
    assert.match(res.text, /<textarea [^>]*id="userMessage"[^>]*>/);
    assert.equal((res.text.match(/ autofocus/g) ?? []).length, 1, 'one field takes the focus');
    assert.match(res.text, /<input [^>]*id="recipients_0"[^>]* autofocus/, 'the first field in error, in page order, takes the focus (without script)');
    assert.match(res.text, /name="recipients_0" value="med@example\.ru, не-адрес"/);
    assert.match(res.text, /name="name_1" value="Новая"/);
    assert.match(res.text, /name="dumpType" value="много"/);
    assert.match(res.text, />сообщение<\/textarea>/);
    assert.equal(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'), before);
  });

  it('shows the getInfo answer texts in text areas and saves a line break typed there as a space', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    const page = await browser.get(SETTINGS);
    assert.match(page.text, /<textarea class="prose answer" id="answerFixed" name="answerFixed" rows="3" maxlength="600">[^<]+<\/textarea>/);
    const res = await browser.post(SETTINGS, {
      rev: browser.rev,
      ...form({ answerKnown: 'Ошибка №{номер} известна.\r\nОтчёт не нужен.', answerFixed: 'Исправлена в {версия}.', answerInWork: 'В работе.\nСпасибо.' }),
    });
    assert.equal(res.status, 303, res.text);
    assert.deepEqual(app.settings.get().answers, { known: 'Ошибка №{номер} известна. Отчёт не нужен.', fixed: 'Исправлена в {версия}.', inWork: 'В работе. Спасибо.', showOwner: false });
    const again = await browser.get(SETTINGS);
    assert.match(again.text, />Ошибка №\{номер\} известна\. Отчёт не нужен\.<\/textarea>/);
  });

  it('refuses the same configuration twice, naming it', async (t) => {
    const app = await startApp(t);
    const browser = app.browser('admin');
    await browser.get(SETTINGS);
    const res = await browser.post(SETTINGS, { rev: browser.rev, ...form({ name_1: 'МедицинаБольница', mode_1: 'all' }) });
    assert.equal(res.status, 400);
    assert.match(res.text, /конфигурация «МедицинаБольница» указана дважды/);
  });

  it('when a reader posts the form (with a valid token), answers 403 and leaves the file alone', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1);
    const browser = app.browser('reader');
    await browser.get(`${BASE}s/reports/1`);
    assert.ok(browser.csrf, 'the reader has a valid token (from the state form)');
    const before = fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8');
    const res = await browser.post(SETTINGS, { rev: browser.rev, ...form({ delete_0: '1' }) });
    assert.equal(res.status, 403);
    assert.match(res.text, /только администраторам pult/);
    assert.equal(fs.readFileSync(path.join(app.dir, 'settings.json'), 'utf8'), before);
    assert.deepEqual(app.settings.get(), MED_SETTINGS);
  });

  it('when two administrators save tabs opened on the same settings, the second is refused with what changed, and the first one\'s recipient stays', async (t) => {
    const app = await startApp(t);
    const first = app.browser('admin');
    const second = app.browser('admin');
    await first.get(SETTINGS);
    await second.get(SETTINGS);
    assert.equal(first.rev, second.rev);
    const saved = await first.post(SETTINGS, { rev: first.rev, ...form({ recipients_0: 'med@example.ru, lead@example.ru' }) });
    assert.equal(saved.status, 303);
    const refused = await second.post(SETTINGS, { rev: second.rev, ...form({ userMessage: 'Другой текст' }) });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /Настройки не сохранены: их изменили, пока страница была открыта/);
    assert.match(refused.text, /у «МедицинаБольница» изменены получатели: med@example\.ru → med@example\.ru, lead@example\.ru/);
    assert.match(refused.text, /Другой текст<\/textarea>/, 'what the second person typed is kept in the form');
    assert.deepEqual(fileOf(app).configurations[0].recipients, ['med@example.ru', 'lead@example.ru']);
    assert.equal(fileOf(app).userMessage, MED_SETTINGS.userMessage);
    // Having seen the change, the second person saves on the new revision.
    const again = await second.post(SETTINGS, { rev: second.rev, ...form({ recipients_0: 'med@example.ru, lead@example.ru', userMessage: 'Другой текст' }) });
    assert.equal(again.status, 303);
    assert.equal(fileOf(app).userMessage, 'Другой текст');
  });
});

describe('GET /pult/s/settings after reports with an empty version were refused', () => {
  it('tells that a listed configuration sends empty versions, which only "все версии" accepts', async (t) => {
    const app = await startApp(t);
    const zip = await buildReportZip({ edit: (j) => (j.configInfo.version = '') }, 'compile-error-attached');
    const push = await app.request('POST', `${BASE}pushReport`, { headers: { 'content-type': 'application/zip' }, body: zip });
    assert.ok(push.status >= 400 && push.status < 500, `${push.status} ${push.text}`);
    assert.match(JSON.parse(push.text).error, /Версия конфигурации отчёта не принимается/);
    const info = await app.request('POST', `${BASE}getInfo`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ configName: 'МедицинаБольница', configVersion: '' }),
    });
    assert.equal(JSON.parse(info.text).needSendReport, false);
    const res = await app.browser('reader').get(SETTINGS);
    assert.match(res.text, /Отчёты конфигурации «МедицинаБольница» приходят с пустой версией и не принимаются: 2 с момента запуска pult/);
  });

  it('says nothing when every version is accepted, and accepts the empty version then', async (t) => {
    const app = await startApp(t, { ...MED_SETTINGS, configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: [] }] });
    const zip = await buildReportZip({ edit: (j) => (j.configInfo.version = '') }, 'compile-error-attached');
    const push = await app.request('POST', `${BASE}pushReport`, { headers: { 'content-type': 'application/zip' }, body: zip });
    assert.equal(push.status, 200, push.text);
    const res = await app.browser('reader').get(SETTINGS);
    assert.doesNotMatch(res.text, /пустой версией/);
  });
});

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
