import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE, buildErrors, startApp } from './harness';

const LIST = `${BASE}s/errorsList`;
/** The unique errors (the list shows problems by default). */
const ERRORS = `${LIST}?view=errors`;

/** The ids of the error rows on a page, in page order. */
function ids(html: string): number[] {
  return [...html.matchAll(/<tr id="e(\d+)">/g)].map((m) => Number(m[1]));
}

describe('GET /pult/s/errorsList', () => {
  it('when nothing was registered, tells how to connect an infobase', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(LIST);
    assert.equal(res.status, 200);
    assert.match(res.text, /Ошибок пока нет/);
    assert.match(res.text, /адрес сервиса регистрации ошибок/);
    assert.match(res.text, new RegExp(`http://127\\.0\\.0\\.1:${app.port}/pult`));
  });

  it('when no configuration is accepted yet, the empty state says to add one in the settings', async (t) => {
    const app = await startApp(t, { configurations: [], userMessage: '', dumpType: 0 });
    const res = await app.browser('reader').get(LIST);
    assert.match(res.text, /Укажите в <a href="\/pult\/s\/settings">настройках<\/a>/);
    assert.match(res.text, /это делает администратор pult/);
  });

  it('shows the sample errors newest first with texts, configuration, extensions, counts and the problem', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'client-error-next-version', 'client-error-one-extension');
    const res = await app.browser('reader').get(ERRORS);
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.text), [3, 2, 1]);
    // <wbr> between the pieces of module paths lets long texts wrap at the dots
    assert.match(res.text, /\{Документ\.<wbr>КартаПациента\.<wbr>МодульОбъекта\(1114\)\}/);
    const row1 = res.text.replaceAll('<wbr>', '').slice(res.text.replaceAll('<wbr>', '').indexOf('<tr id="e1">'));
    assert.match(row1, /href="\/pult\/s\/reports\/1"/);
    // the chain: outermost first, root cause last
    const outer = row1.indexOf('Ошибка при вызове метода контекста (Записать)');
    const root = row1.indexOf('Не заполнено поле &quot;Лечащий врач&quot;');
    assert.ok(outer > 0 && root > outer, 'outermost text before the root cause');
    // the text isolated from its neighbours' direction; this table shows it whole, so no title repeats it
    assert.match(row1, /<li class="root" title="Первопричина"><bdi>\{Документ\.КартаПациента\.МодульОбъекта\(1114\)\}/);
    // The problem list cuts each line to its width: there each text is in its title as well.
    const problems = (await app.browser('reader').get(LIST)).text.replaceAll('<wbr>', '');
    assert.match(problems, /<li class="root" title="Первопричина: \{Документ\.КартаПациента\.МодульОбъекта\(1114\)\}: Не заполнено поле &quot;Лечащий врач&quot;"><bdi>/);
    assert.match(problems, /<li title="\{Документ\.КартаПациента\.Форма\.ФормаДокумента\.Форма\(812\)\}: Ошибка при вызове метода контекста \(Записать\)"><bdi>/);
    assert.match(row1, /МедицинаБольница<\/span> <span class="version">2\.0\.6\.45/);
    assert.match(row1, /ИсправленияОшибок <code class="hash" title="5f1c2a9e0b7d4c3a8e6f1d2c3b4a596877665544">5f1c2a9e<\/code>/);
    assert.match(row1, /title="Отчётов всего, с повторами">3<\/a>/);
    assert.match(row1, /2 комп\./);
    assert.match(row1, /href="\/pult\/s\/reports\/1#problem">№1<\/a>/, 'the problem it belongs to');
    assert.match(res.text, /Всего ошибок: <strong>3<\/strong>/);
  });

  it('says "подробное описание ошибки не передано" for an error without applicationErrorInfo', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 1, () => ({ detailed: false }));
    const res = await app.browser('reader').get(ERRORS);
    assert.match(res.text, /<p class="no-detail">Подробное описание ошибки не передано<\/p>/);
  });

  it('offers each configuration and version with its number of errors', async (t) => {
    const app = await startApp(t, {
      configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: [] }, { name: 'Бухгалтерия', versions: [''], recipients: [] }],
      userMessage: '',
      dumpType: 0,
    });
    await buildErrors(app.store, 5, (i) => ({ config: i < 3 ? 'МедицинаБольница' : 'Бухгалтерия', version: i % 2 ? '2.0.6.45' : '3.0.1.2' }));
    const res = await app.browser('reader').get(ERRORS);
    assert.match(res.text, /<option value="Бухгалтерия">Бухгалтерия \(2\)<\/option>/);
    assert.match(res.text, /<option value="МедицинаБольница">МедицинаБольница \(3\)<\/option>/);
    assert.match(res.text, /<option value="3\.0\.1\.2">3\.0\.1\.2 \(3\)<\/option>/);
    assert.match(res.text, /<option value="2\.0\.6\.45">2\.0\.6\.45 \(2\)<\/option>/);
  });

  it('when the reader filters by configuration, shows only its errors and only its versions', async (t) => {
    const app = await startApp(t);
    const made = await buildErrors(app.store, 6, (i) => ({ config: i % 2 ? 'Бухгалтерия' : 'МедицинаБольница', version: i % 2 ? '3.0.1.1' : '2.0.6.45' }));
    const res = await app.browser('reader').get(`${ERRORS}&config=${encodeURIComponent('Бухгалтерия')}`);
    assert.deepEqual(ids(res.text), [made[5], made[3], made[1]]);
    assert.match(res.text, /<option value="Бухгалтерия" selected>/);
    assert.match(res.text, /<option value="3\.0\.1\.1">/);
    assert.doesNotMatch(res.text, /<option value="2\.0\.6\.45">/);
    assert.match(res.text, /По фильтру найдено ошибок: <strong>3<\/strong>/);
  });

  it('when the reader filters by version, shows only the errors of that version', async (t) => {
    const app = await startApp(t);
    const made = await buildErrors(app.store, 6, (i) => ({ version: i < 2 ? '2.0.6.44' : '2.0.6.45' }));
    const res = await app.browser('reader').get(`${ERRORS}&version=2.0.6.44`);
    assert.deepEqual(ids(res.text), [made[1], made[0]]);
    const both = await app.browser('reader').get(`${ERRORS}&config=${encodeURIComponent('МедицинаБольница')}&version=2.0.6.45`);
    assert.deepEqual(ids(both.text), made.slice(2).reverse());
  });

  it('when a filter matches nothing, says so and offers to show everything', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 2);
    const res = await app.browser('reader').get(`${ERRORS}&config=Nope`);
    assert.equal(res.status, 200);
    assert.match(res.text, /По выбранному фильтру ошибок нет/);
    assert.match(res.text, /<option value="Nope" selected>Nope \(0\)<\/option>/);
  });

  it('pages 50 at a time by id: older and newer links keep the filter and never skip or repeat', async (t) => {
    const app = await startApp(t);
    const made = await buildErrors(app.store, 120, (i) => ({ version: i % 2 === 0 ? "2.0.6.44" : "2.0.6.45" }));
    const browser = app.browser('reader');
    const first = await browser.get(ERRORS);
    const page1 = ids(first.text);
    assert.equal(page1.length, 50);
    assert.deepEqual(page1, made.slice(-50).reverse());
    assert.match(first.text, /<span class="off">← более новые<\/span>/);
    const older = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(older, `${ERRORS}&before=${page1[49]}`);

    const second = await browser.get(older!);
    assert.deepEqual(ids(second.text), made.slice(20, 70).reverse());
    const third = await browser.get(/href="([^"]+)" rel="next"/.exec(second.text)![1]!.replaceAll('&amp;', '&'));
    assert.deepEqual(ids(third.text), made.slice(0, 20).reverse());
    assert.match(third.text, /<span class="off">более старые →<\/span>/);
    const back = await browser.get(/href="([^"]+)" rel="prev"/.exec(third.text)![1]!.replaceAll('&amp;', '&'));
    assert.deepEqual(ids(back.text), ids(second.text));

    const filtered = await browser.get(`${ERRORS}&version=2.0.6.44`);
    const olderFiltered = /href="([^"]+)" rel="next"/.exec(filtered.text)?.[1]?.replaceAll('&amp;', '&');
    assert.match(olderFiltered!, /^\/pult\/s\/errorsList\?view=errors&version=2\.0\.6\.44&before=\d+$/);
  });

  it('answers 400 to a malformed page cursor', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(`${ERRORS}&before=1;DROP`);
    assert.equal(res.status, 400);
    assert.match(res.text, /Некорректный параметр «before»/);
  });
});

describe('GET /pult/s/errorsList with odd input', () => {
  it('answers a repeated filter parameter with a Russian 400, not a crash', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(`${ERRORS}&config=a&config=b`);
    assert.equal(res.status, 400);
    assert.match(res.text, /Некорректный параметр «config»: ожидается строка/);
  });
});
