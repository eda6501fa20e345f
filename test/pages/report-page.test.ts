import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { buildReportZip } from '../helpers/build-report';
import { HOSTILE_NAMES, hostileReportZip } from '../helpers/hostile-report';
import { BASE, rows, startApp, type TestApp } from './harness';

const page = (app: TestApp, id: number, headers: Record<string, string> = {}) => app.browser('reader').get(`${BASE}s/report/${id}`, headers);
/** The HTML of one section of the page, by its heading id. */
const section = (html: string, id: string) => {
  const at = html.indexOf(`aria-labelledby="${id}"`);
  assert.ok(at > 0, `section ${id} is on the page`);
  return html.slice(at, html.indexOf('</section>', at));
};

describe('GET /pult/s/report/R with the public samples', () => {
  it('with-attached-file: the chain with categories, the stack with the raising frame, system, configuration, screenshot; the listed file the zip lacks is shown as missing', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'with-attached-file');
    const res = await page(app, 2);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Отчёт №2 <span class="muted">ошибки №1<\/span><\/h1>/);
    const chain = section(res.text, 'h-chain');
    assert.match(chain, /Ошибка при вызове метода контекста \(Записать\)<\/span>\s*<span class="tag">ExceptionRaisedFromScript<\/span>/);
    assert.match(chain, /<li class="root">[\s\S]*Не заполнено поле &quot;Лечащий врач&quot;[\s\S]*первопричина/);
    const stack = section(res.text, 'h-stack');
    assert.match(stack, /<tr class="raised">\s*<td class="num" data-label="№">2<\/td>\s*<td class="module" data-label="Модуль">Документ\.КартаПациента\.МодульОбъекта <strong class="raised-mark">/);
    assert.match(stack, /<code>Записать\(ПараметрыЗаписи\);<\/code>/);
    assert.match(stack, /<details class="sys">[\s\S]*core83\.dll:0x00000000000CF6B6[\s\S]*506FFC7B0E4A4C2D9E1F3A5B7C9D1E2F/, 'client stack and hash, collapsed');
    assert.doesNotMatch(res.text, /class="crash-banner"/, 'no crash banner without systemCrash');
    const who = section(res.text, 'h-who');
    for (const s of ['Получен сервисом', 'Время клиента', '20.11.2026, 13:05', '10.0.0.7', 'Петрова Анна Сергеевна', 'b0f5e2a1-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'Windows_x86_64', '8.3.24.1548', '1CV8C', 'Microsoft Windows 10', 'Intel(R) Core(TM) i5-10400', 'всего 15,9 ГБ, свободно 6 ГБ']) {
      assert.ok(who.includes(s), `who: ${s}`);
    }
    assert.match(who, /Браузер \(user agent\)<\/dt><dd><span class="muted">не передано<\/span>/, "absent shown as not sent (\"нет\" read as a no)");
    const cfg = section(res.text, 'h-cfg');
    for (const s of ['МедицинаБольница', '1С:Медицина. Больница', '2.0.6.45', 'Version8_3_21', '79c44886fcee464e88dcaaf5f23db03f00000000', 'Изменения конфигурации не разрешены — она на поддержке поставщика', 'ИсправленияОшибок', 'ОбменСЕГИСЗ (1.4.2)']) {
      assert.ok(cfg.includes(s), `config: ${s}`);
    }
    assert.match(cfg, /Отключённые расширения<\/h3>\s*<p class="muted">нет<\/p>/);
    const env = section(res.text, 'h-env');
    for (const s of ['ru_RU', 'PostgreSQL', 'Разделение данных</dt><dd>нет']) assert.ok(env.includes(s), `env: ${s}`);
    assert.match(section(res.text, 'h-shot'), /<a class="shot" href="\/pult\/s\/report\/2\/screenshot" target="_blank" rel="noopener"><img src="\/pult\/s\/report\/2\/screenshot"/);
    const files = section(res.text, 'h-files');
    assert.match(files, /Указаны в отчёте, но в архиве их нет:[\s\S]*Выгрузка_пациента\.xml/);
    assert.match(files, /Дамп<\/h3>\s*<p class="muted">не передан<\/p>/);
    const add = section(res.text, 'h-add');
    assert.match(add, /Дополнительная информация <code>additionalInfo<\/code><\/h3>\s*<p class="muted">не передано/);
    const zip = section(res.text, 'h-zip');
    assert.match(zip, /href="\/pult\/s\/reports\/1\/zip\/2" download/);
    assert.match(zip, /href="\/pult\/s\/report\/2\/file\/0" download>report\.json<\/a>/);
    assert.match(zip, /<details class="json"><summary>report\.json<\/summary><pre class="text">\{\n  &quot;time&quot;/);
    assert.match(res.text, /href="\/pult\/s\/report\/1" rel="prev">← предыдущий отчёт/);
    assert.match(res.text, /<span class="off">следующий отчёт →/);
  });

  it('web-client: the user agent; server-job-error: no user, the server stack; minimal: every absent part shown as absent', async (t) => {
    const app = await startApp(t);
    await app.register('web-client', 'server-job-error', 'minimal');
    const web = await page(app, 1);
    assert.match(section(web.text, 'h-who'), /Браузер \(user agent\)<\/dt><dd>Mozilla\/5\.0 \(X11; Linux x86_64\) Chrome\/131\.0/);
    const job = await page(app, 2);
    assert.match(section(job.text, 'h-who'), /Пользователь<\/dt><dd><span class="muted">не передано/);
    assert.match(section(job.text, 'h-stack'), /<h3>Сервер<\/h3>\s*<pre class="text">libbackend\.so:0x00000000003A11F0<\/pre>[\s\S]*3D2C1B0A99887766554433221100FFEE/);
    assert.match(section(job.text, 'h-chain'), /<span class="tag">NetworkError<\/span>/);
    assert.match(section(job.text, 'h-shot'), /Снимок экрана не передан/);
    const min = await page(app, 3);
    assert.equal(min.status, 200);
    assert.match(section(min.text, 'h-stack'), /Стек конфигурации не передан \(хеш/);
    assert.match(section(min.text, 'h-who'), /ОС<\/dt><dd><span class="muted">не передано/);
    assert.match(section(min.text, 'h-files'), /Пользователь не приложил файлов/);
    assert.match(section(min.text, 'h-descr'), /Пользователь ничего не написал/);
  });

  it('compile-error-attached: no stack; the file in the zip but not in additionalFiles is attached and downloads as an attachment', async (t) => {
    const app = await startApp(t);
    await app.register('compile-error-attached');
    const res = await page(app, 1);
    assert.match(section(res.text, 'h-chain'), /ScriptCompileError/);
    assert.match(section(res.text, 'h-stack'), /Стек конфигурации не передан\./);
    const files = section(res.text, 'h-files');
    const href = /<a href="([^"]+)" download><span class="text">протокол загрузки\.txt<\/span><\/a> <span class="muted small">55 Б<\/span>/.exec(files)?.[1];
    assert.equal(href, '/pult/s/report/1/file/2');
    const file = await app.browser('reader').get(href!);
    assert.equal(file.status, 200);
    assert.equal(file.headers['content-type'], 'application/octet-stream');
    assert.equal(file.headers['content-disposition'], `attachment; filename="pult-1-file-2.txt"; filename*=UTF-8''${encodeURIComponent('протокол загрузки.txt')}`);
    assert.equal(file.headers['x-content-type-options'], 'nosniff');
    assert.match(file.text, /^Строка 1/);
  });

  it('keeps every description of a folded report with its time, and the count', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-repeat');
    const d = section((await page(app, 1)).text, 'h-descr');
    assert.match(d, /Отчётов с этого компьютера вместе с повторами: 2/);
    assert.equal((d.match(/<li><time/g) ?? []).length, 2);
  });

  it('answers Accept: application/json with the parsed report and its facts', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-other-pc');
    const res = await page(app, 1, { accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const body = JSON.parse(res.text);
    assert.equal(body.report.configInfo.name, 'МедицинаБольница');
    assert.equal(body.facts.userName, 'Петрова Анна Сергеевна');
    assert.equal(body.facts.hasScreenshot, true);
    assert.equal(body.facts.crashed, false);
    assert.deepEqual(body.entries.map((e: { name: string }) => e.name), ['report.json', 'screenshot.png']);
    assert.equal(body.next, 2);
    assert.equal(body.previous, null);
  });

  it('serves the screenshot with its exact type, nosniff and a CSP of its own; report.json downloads as it is stored', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const shot = await app.browser('reader').get(`${BASE}s/report/1/screenshot`);
    assert.equal(shot.status, 200);
    assert.equal(shot.headers['content-type'], 'image/png');
    assert.equal(shot.headers['x-content-type-options'], 'nosniff');
    assert.equal(shot.headers['content-security-policy'], "default-src 'none'; img-src 'self'; sandbox");
    assert.deepEqual([...shot.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const json = await app.browser('reader').get(`${BASE}s/report/1/report.json`);
    assert.equal(json.headers['content-disposition'], `attachment; filename="pult-1-report.json"; filename*=UTF-8''report.json`);
    assert.equal(JSON.parse(json.text).id, '6c1d4f0e-2a7b-4c55-9d3e-0f1a2b3c4d5e');
  });

  it('is behind the reader check like every s/ page, and links from each row of s/reports/N', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    for (const url of ['s/report/1', 's/report/1/screenshot', 's/report/1/file/0', 's/report/1/report.json']) {
      assert.equal((await app.browser('anonymous').get(BASE + url)).status, 403, url);
    }
    const list = await app.browser('reader').get(`${BASE}s/reports/1`);
    assert.match(list.text, /<a class="report-link" href="\/pult\/s\/report\/1">Отчёт №1<\/a>/);
  });

  it('answers unknown reports and entries with 404, a bad number with 400', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const b = app.browser('reader');
    assert.equal((await b.get(`${BASE}s/report/99`)).status, 404);
    assert.match((await b.get(`${BASE}s/report/99`)).text, /Отчёт №99 не найден/);
    assert.equal((await b.get(`${BASE}s/report/1/file/7`)).status, 404);
    assert.equal((await b.get(`${BASE}s/report/1/file/abc`)).status, 400);
    assert.equal((await b.get(`${BASE}s/report/1/file/..%2F..%2Fetc%2Fpasswd`)).status, 400);
  });
});

describe('GET /pult/s/report/R with a damaged or hostile zip', () => {
  it('a zip damaged on disk: the page says so in Russian with what the database has; its entries answer 422, not 500', async (t) => {
    const app = await startApp(t);
    await app.register('client-error');
    const zip_name = rows<{ zip_name: string }>(app.store, 'SELECT zip_name FROM reports WHERE id = 1')[0]?.zip_name;
    fs.writeFileSync(app.zips.locate(zip_name!)!, Buffer.from('PK\u0003\u0004 это уже не zip'));
    const res = await page(app, 1);
    assert.equal(res.status, 200);
    assert.match(res.text, /<p class="notice bad" role="alert">Архив отчёта 1 повреждён: [^<]+ Ниже — только то, что записано в базе pult\./);
    assert.match(res.text, /Петрова Анна Сергеевна/);
    const entry = await app.browser('reader').get(`${BASE}s/report/1/screenshot`);
    assert.equal(entry.status, 404);
    const file = await app.browser('reader').get(`${BASE}s/report/1/file/0`);
    assert.equal(file.status, 422);
    assert.match(file.text, /повреждён/);
    fs.rmSync(app.zips.locate(zip_name!)!);
    assert.match((await page(app, 1)).text, /Файл отчёта 1 отсутствует в хранилище pult\./);
  });

  it('a zip whose entry lies about its size is damaged, not served', async (t) => {
    const app = await startApp(t);
    const zip = await buildReportZip({ attachedFile: true });
    // The central record of log.txt (the last one) declares 5 bytes more than it holds.
    const at = zip.lastIndexOf(Buffer.from('PK\u0001\u0002', 'latin1'));
    zip.writeUInt32LE(zip.readUInt32LE(at + 24) + 5, at + 24);
    await app.registerZip(zip);
    const file = await app.browser('reader').get(`${BASE}s/report/1/file/1`);
    assert.equal(file.status, 422);
    assert.match(file.text, /размер или контрольная сумма не совпадают/);
  });

  it('an HTML "screenshot" is never served; hostile entry names download under generated names', async (t) => {
    const app = await startApp(t);
    await app.registerZip(await hostileReportZip({ frames: 50 }));
    const res = await page(app, 1);
    assert.equal(res.status, 200);
    assert.match(section(res.text, 'h-shot'), /не является изображением PNG, JPEG или GIF/);
    assert.equal((await app.browser('reader').get(`${BASE}s/report/1/screenshot`)).status, 404);
    const body = JSON.parse((await page(app, 1, { accept: 'application/json' })).text);
    const indexOf = (name: string) => body.entries.find((e: { name: string }) => e.name === name).index;
    for (const [name, shown] of Object.entries({ [HOSTILE_NAMES.traversal]: 'evil<b>.txt', [HOSTILE_NAMES.absolute]: 'passwd', [HOSTILE_NAMES.quotes]: 'отчёт "итог"Set-Cookie: x=1.txt', [HOSTILE_NAMES.rtl]: 'счётgpj.exe' })) {
      const i = indexOf(name);
      const file = await app.browser('reader').get(`${BASE}s/report/1/file/${i}`);
      assert.equal(file.status, 200, name);
      const cd = String(file.headers['content-disposition']);
      assert.match(cd, new RegExp(`^attachment; filename="pult-1-file-${i}(\\.txt|\\.exe)?"; filename\\*=UTF-8''[A-Za-z0-9%._~!-]+$`), cd);
      assert.equal(decodeURIComponent(cd.split("''")[1]!), shown);
      assert.ok(!(file.headers['set-cookie'] ?? []).some((c) => c.startsWith('x=')), 'no header smuggled in');
    }
    assert.ok(!res.text.includes('<b>.txt'), 'entry names escaped');
    // The dump's line keeps its words apart ("1 000 Бтип 0" before), and a dump that is there has no "why not".
    const files = section(res.text, 'h-files');
    assert.match(files, /crash\.dmp<\/span><\/a> <span class="muted small">1\s000 Б<\/span> <span class="small">· тип дампа 0<\/span><\/p>/);
    assert.match(files, /<p class="small">Пояснение платформы: <span class="text">/);
    assert.doesNotMatch(files, /Почему нет дампа/);
    assert.match(res.text, /\.\.\/\.\.\/evil&lt;b&gt;\.txt/);
    // The archive's rows are counted from 1 on the page; the file addresses keep the zip's own index.
    assert.match(res.text, /<tr><td class="num idx" data-label="№">1<\/td><td class="name" data-label="Имя">(<a href="\/pult\/s\/report\/1\/file\/0" download>)?report\.json/);
  });
});
