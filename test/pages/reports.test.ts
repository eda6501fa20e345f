import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { buildReportZip } from '../helpers/build-report';
import { sampleReport } from '../helpers/samples';
import { BASE, buildErrors, rows, startApp } from './harness';

const reportIds = (html: string) => [...html.matchAll(/<tr id="r(\d+)">/g)].map((m) => Number(m[1]));

describe('GET /pult/s/reports/N', () => {
  it('shows the error and its reports newest first with the original columns', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'with-attached-file', 'web-client');
    const res = await app.browser('reader').get(`${BASE}s/reports/1`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Ошибка №1 <span class="muted">проблемы №1<\/span><\/h1>/, "the problem it belongs to is in the heading: the list links problems by their number");
    assert.match(res.text, /Во всех версиях: 5 отчётов, 3 компьютера, 2 пользователя 1С;/, 'counts with their words, by the plural rules');
    assert.match(res.text, /Не заполнено поле &quot;Лечащий врач&quot;/);
    assert.match(res.text, /<dd>МедицинаБольница<\/dd>/);
    assert.match(res.text, /<dd>2\.0\.6\.45<\/dd>/);
    assert.match(res.text, /ОбменСЕГИСЗ \(1\.4\.2\) <code class="hash"/);
    assert.match(res.text, /<code class="hash">[0-9A-F]{32}<\/code>/);
    assert.match(res.text, /<dt>Отчётов<\/dt><dd>5 <span class="muted">вместе с повторами; компьютеров: 3<\/span><\/dd>/);
    assert.match(res.text, /<dt>Первый отчёт<\/dt>[\s\S]*<dt>Последний отчёт<\/dt>/, 'the same words as the list: первый, последний');
    assert.match(res.text, /<time datetime="[^"]+">\d\d\.\d\d\.\d{4}, \d\d:\d\d МСК<\/time>/, 'times say their zone');
    assert.deepEqual(reportIds(res.text), [4, 3, 2, 1]);

    const first = res.text.slice(res.text.indexOf('<tr id="r1">'), res.text.indexOf('</tr>', res.text.indexOf('<tr id="r1">')));
    assert.match(first, /^<tr id="r1">\s*<td class="when" data-label="Получен"><a class="report-link" href="\/pult\/s\/report\/1">Отчёт №1<\/a><div><time datetime="20\d\d-/, 'when pult received it, first');
    assert.match(first, /у клиента <time datetime="2026-11-20T11:07:/, 'the client time beside it (the repeat moved it on), as it differs by more than 5 minutes');
    assert.match(first, /Петрова Анна Сергеевна/);
    assert.match(first, /10\.0\.0\.7/);
    assert.match(first, /8\.3\.24\.1548 <span class="muted small" title="1CV8C">тонкий клиент<\/span>/);
    assert.match(first, /<div class="small">Windows_x86_64<\/div>/);
    assert.match(first, /Windows_x86_64 8\.3\.24\.1548<div class="small"><span class="muted">СУБД<\/span> PostgreSQL/);
    assert.doesNotMatch(first, /изменения конфигурации разрешены/);
    assert.match(first, /Нажала «Провести и закрыть» в карте пациента/);
    assert.equal((first.match(/<li><time/g) ?? []).length, 2, 'both descriptions with their times');
    assert.match(first, /<td class="num" data-label="Отчётов">2<\/td>/, "the count (this report with its repeats) in a cell of its own");
    assert.match(first, /<span class="flag" title="Снимок экрана">[\s\S]*?<span class="sr-only">Снимок экрана<\/span>/);
    assert.doesNotMatch(first, /Файл\(ы\)/);
    assert.match(first, /href="\/pult\/s\/reports\/1\/zip\/1" download title="Скачать отчёт \(zip\)">zip<\/a>/);

    const withFiles = res.text.slice(res.text.indexOf('<tr id="r3">'));
    assert.match(withFiles.slice(0, withFiles.indexOf('</tr>')), /<td class="num" data-label="Отчётов">1<\/td>[\s\S]*<span class="sr-only">Файлы пользователя<\/span>/);
    const web = res.text.slice(res.text.indexOf('<tr id="r4">'));
    assert.match(web, /веб-клиент/);
    assert.match(web, /class="muted small ua">Mozilla/);
  });

  it('shows a crash flag, multi-line texts kept, and no client time when the clocks agree', async (t) => {
    const app = await startApp(t);
    const now = new Date();
    await app.registerZip(
      await buildReportZip({
        userDescription: 'строка 1\nстрока 2',
        edit: (j) => {
          j.time = now.toISOString();
          j.errorInfo.systemErrorInfo.systemCrash = true;
        },
      }),
      now,
    );
    const res = await app.browser('reader').get(`${BASE}s/reports/1`);
    const row = res.text.slice(res.text.indexOf('<tr id="r1">'), res.text.indexOf('</tr>', res.text.indexOf('<tr id="r1">')));
    assert.match(row, /<span class="flag crash" title="Аварийное завершение клиента">[\s\S]*?<span class="sr-only">Аварийное завершение<\/span>/);
    assert.match(row, /<span class="text">строка 1\nстрока 2<\/span>/);
    assert.doesNotMatch(row, /у клиента/);
    assert.deepEqual(rows(app.store, 'SELECT has_screenshot, crashed FROM reports'), [{ has_screenshot: 0, crashed: 1 }]);
  });

  it('pages the reports of a big error 50 at a time', async (t) => {
    const app = await startApp(t);
    const [id] = await buildErrors(app.store, 1, () => ({ reports: 75 }));
    const browser = app.browser('reader');
    const first = await browser.get(`${BASE}s/reports/${id}`);
    const page1 = reportIds(first.text);
    assert.equal(page1.length, 50);
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!;
    assert.equal(older, `${BASE}s/reports/${id}?before=${page1[49]}`);
    const second = await browser.get(older);
    const page2 = reportIds(second.text);
    assert.equal(page2.length, 25);
    assert.ok(Math.max(...page2) < Math.min(...page1));
    const newer = /href="([^"]+)" rel="prev"/.exec(second.text)![1]!;
    assert.deepEqual(reportIds((await browser.get(newer)).text), page1);
  });

  it('answers an unknown error number with a 404 page in Russian', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(`${BASE}s/reports/999`);
    assert.equal(res.status, 404);
    assert.match(res.text, /Ошибки №999 нет: возможно, она удалена очисткой, или такого номера ещё не было\./);
    assert.match(res.text, /<a href="\/pult\/s\/errorsList">К списку ошибок<\/a>/);
  });

  it('tells a link from an old mail that its error was removed by a clear, and when', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 3, (i) => ({ version: i === 0 ? '2.0.5.1' : '2.0.6.45' }));
    const admin = app.browser('admin');
    const plan = /name="plan" value="([0-9a-f]{32})"/.exec((await admin.get(`${BASE}s/clear`)).text)![1]!;
    assert.equal((await admin.post(`${BASE}s/clear`, { plan, confirm: 'yes' })).status, 303);
    await app.jobs.idle();
    assert.deepEqual(rows(app.store, 'SELECT id FROM errors ORDER BY id'), [{ id: 2 }, { id: 3 }]);
    const res = await app.browser('reader').get(`${BASE}s/reports/1`);
    assert.equal(res.status, 404);
    assert.match(res.text, /Ошибки №1 больше нет: она удалена очисткой \(последняя очистка завершена \d\d\.\d\d\.\d{4}, \d\d:\d\d МСК\)\./);
    assert.match(res.text, /правила приёма больше не принимают/);
    assert.match(res.text, /<a href="\/pult\/s\/errorsList">К списку ошибок<\/a>/);
  });

  it('answers a number that is not a number with 400, and a path beyond with 404', async (t) => {
    const app = await startApp(t);
    assert.equal((await app.browser('reader').get(`${BASE}s/reports/abc`)).status, 400);
    assert.equal((await app.browser('reader').get(`${BASE}s/reports/1/other`)).status, 404);
  });
});

describe('GET /pult/s/reports/N/zip/R', () => {
  it('sends the stored zip byte for byte as an attachment named after the error and report', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const res = await app.browser('reader').get(`${BASE}s/reports/1/zip/1`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="pult-1-1.zip"');
    assert.equal(res.headers['content-length'], String(sampleReport('client-error').length));
    assert.deepEqual(res.body, sampleReport('client-error'));
  });

  it('refuses a report of another error and an unknown report with 404', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-next-version');
    assert.equal((await app.browser('reader').get(`${BASE}s/reports/1/zip/2`)).status, 404);
    assert.equal((await app.browser('reader').get(`${BASE}s/reports/1/zip/77`)).status, 404);
  });

  it('when the file is missing from the store, answers a Russian 404 page that says so', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const [row] = rows<{ zip_name: string }>(app.store, 'SELECT zip_name FROM reports WHERE id = 1');
    fs.rmSync(app.zips.locate(row!.zip_name)!);
    const res = await app.browser('reader').get(`${BASE}s/reports/1/zip/1`);
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
    assert.match(res.text, /Файл отчёта 1 отсутствует в хранилище pult/);
  });

  it('never takes a path from the URL', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    for (const bad of ['..%2F..%2Fsettings.json', '1.zip', '%2e%2e', '-1']) {
      const res = await app.browser('reader').get(`${BASE}s/reports/1/zip/${bad}`);
      assert.ok(res.status === 400 || res.status === 404, `${bad}: ${res.status}`);
      assert.doesNotMatch(res.text, /configurations/);
    }
  });
});
