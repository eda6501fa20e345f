import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import JSZip from 'jszip';
import { planClear, startClear } from '../../src/registry/clear';
import { startRetentionPass } from '../../src/registry/retention';
import { buildReportJson, type ReportChanges } from '../helpers/build-report';
import { BASE, MED_SETTINGS, rows, startApp, type TestApp } from './harness';

const JSON_ACCEPT = { accept: 'application/json' };
const ids = (html: string) => [...html.matchAll(/<tr id="p(\d+)">/g)].map((m) => Number(m[1]));

/** A report zip as the platform makes it: report.json, and the screenshot or attached file it names. */
async function zipOf(changes: ReportChanges & { screenshot?: boolean; crash?: boolean; categories?: unknown[][] }, base = 'client-error'): Promise<Buffer> {
  const json = buildReportJson(changes, base);
  if (changes.categories) json.errorInfo.applicationErrorInfo.errors = json.errorInfo.applicationErrorInfo.errors.map((e: unknown[], i: number) => [e[0], changes.categories![i] ?? []]);
  if (changes.crash) json.errorInfo.systemErrorInfo = { ...(json.errorInfo.systemErrorInfo ?? {}), systemCrash: true };
  if (changes.screenshot) json.screenshot = { file: 'screenshot.png' };
  else delete json.screenshot;
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(json, null, 4));
  if (changes.screenshot) zip.file('screenshot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  if (changes.attachedFile) zip.file('log.txt', 'attached by the user\n');
  return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}

interface Counts {
  id: number;
  screenshots: number;
  files: number;
  crashes: number;
}
const counts = (app: TestApp) => rows<Counts>(app.store, 'SELECT id, screenshots, files, crashes FROM problems ORDER BY id');

/**
 * Problem 1: a screenshot (and a folded repeat of it); 2: attached files; 3: a crash;
 * 4: none of them, category NetworkError; 5: ScriptCompileError with an unlisted file.
 */
async function withFlags(t: Parameters<typeof startApp>[0]) {
  const app = await startApp(t);
  await app.registerZip(await zipOf({ texts: ['Ошибка со снимком'], clientId: 'pc-1', screenshot: true }));
  await app.registerZip(await zipOf({ texts: ['Ошибка со снимком'], clientId: 'pc-1', screenshot: true })); // folded into the first
  await app.registerZip(await zipOf({ texts: ['Ошибка с файлом'], clientId: 'pc-2', attachedFile: true }));
  await app.registerZip(await zipOf({ texts: ['Падение клиента'], clientId: 'pc-3', crash: true }));
  await app.register('server-job-error', 'compile-error-attached');
  return app;
}

describe('errorsList: with screenshot / attached files / crash, and category', () => {
  it('counts stored reports with each flag per problem (a folded repeat adds none) and keeps the categories of each unique error', async (t) => {
    const app = await withFlags(t);
    assert.deepEqual(counts(app), [
      { id: 1, screenshots: 1, files: 0, crashes: 0 },
      { id: 2, screenshots: 0, files: 1, crashes: 0 },
      { id: 3, screenshots: 0, files: 0, crashes: 1 },
      { id: 4, screenshots: 0, files: 0, crashes: 0 },
      { id: 5, screenshots: 1, files: 1, crashes: 0 },
    ]);
    assert.equal(rows<{ n: number }>(app.store, 'SELECT reports_total AS n FROM problems WHERE id = 1')[0]!.n, 2, 'the repeat counts as a report');
    assert.deepEqual(rows(app.store, 'SELECT category, error_id FROM error_categories ORDER BY error_id, category'), [
      { category: 'ExceptionRaisedFromScript', error_id: 1 },
      { category: 'ExceptionRaisedFromScript', error_id: 2 },
      { category: 'ExceptionRaisedFromScript', error_id: 3 },
      { category: 'NetworkError', error_id: 4 },
      { category: 'ScriptCompileError', error_id: 5 },
    ]);
  });

  it('filters by each, alone and combined with category, q and sort, in HTML and JSON; the form, the query and the links keep them', async (t) => {
    const app = await withFlags(t);
    const browser = app.browser('reader');
    const get = async (query: string) => {
      const res = await browser.get(`${BASE}s/errorsList?${query}`, JSON_ACCEPT);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      return JSON.parse(res.text);
    };
    const found = async (query: string) => (await get(query)).items.map((i: { id: number }) => i.id);
    assert.deepEqual(await found('screenshot=1'), [5, 1]);
    assert.deepEqual(await found('files=1'), [5, 2]);
    assert.deepEqual(await found('crash=1'), [3]);
    assert.deepEqual(await found('category=NetworkError'), [4]);
    assert.deepEqual(await found('category=ScriptCompileError&files=1&screenshot=1'), [5]);
    assert.deepEqual(await found('category=ExceptionRaisedFromScript'), [3, 2, 1]);
    assert.deepEqual(await found('category=networkerror'), [], 'the exact name, as the platform sends it');
    assert.deepEqual(await found('category=ExceptionRaisedFromScript&crash=1&screenshot=1'), []);
    assert.deepEqual(await found(`screenshot=1&q=${encodeURIComponent('снимком')}`), [1]);
    for (const sort of ['first', 'reports', 'computers', 'users', 'trend']) {
      assert.deepEqual((await found(`sort=${sort}&files=1`)).sort(), [2, 5], sort);
    }
    const json = await get('screenshot=1&files=1&crash=&category=ScriptCompileError&sort=reports');
    assert.deepEqual(json.query, { screenshot: '1', files: '1', category: 'ScriptCompileError', sort: 'reports' }, 'unset ones are omitted');
    assert.deepEqual(
      json.items.map((i: { id: number; screenshots: number; files: number; crashes: number }) => [i.id, i.screenshots, i.files, i.crashes]),
      [[5, 1, 1, 0]],
    );

    const page = await browser.get(`${BASE}s/errorsList?crash=1&category=ExceptionRaisedFromScript`);
    assert.equal(page.status, 200);
    assert.deepEqual(ids(page.text), [3]);
    assert.match(page.text, /<input type="checkbox" name="crash" value="1" checked>/);
    assert.match(page.text, /<input type="checkbox" name="screenshot" value="1">/);
    assert.match(page.text, /<option value="ExceptionRaisedFromScript" selected>ExceptionRaisedFromScript<\/option>/);
    assert.match(page.text, /<option value="NetworkError">NetworkError<\/option>/);
    assert.match(page.text, /<option value="ScriptCompileError">ScriptCompileError<\/option>/);
    assert.match(page.text, /name="back" value="[^"]*crash=1[^"]*category=ExceptionRaisedFromScript/, 'the bulk form comes back to the same view');
    assert.match(page.text, /Сбросить/);
    // A category no longer in the data stays visible and selected.
    const gone = await browser.get(`${BASE}s/errorsList?category=${encodeURIComponent('<b>Нет</b>')}`);
    assert.equal(gone.status, 200);
    assert.match(gone.text, /<option value="&lt;b&gt;Нет&lt;\/b&gt;" selected>&lt;b&gt;Нет&lt;\/b&gt;<\/option>/);
    assert.match(gone.text, /По выбранному фильтру ошибок нет/);
  });

  it('with a state, owner, period, flag or category set the page does not give the unfiltered count as the total', async (t) => {
    const app = await withFlags(t);
    const browser = app.browser('reader');
    const summary = async (query: string) => /<p class="summary muted">([^]*?)<\/p>/.exec((await browser.get(`${BASE}s/errorsList?${query}`)).text)![1]!;
    assert.match(await summary(''), /Всего уникальных ошибок: <strong>5<\/strong>/);
    for (const query of ['crash=1', 'screenshot=1', 'files=1', 'category=NetworkError', 'status=new', 'owner=me', 'period=24h', 'crash=1&config=x']) {
      const text = await summary(query);
      assert.doesNotMatch(text, /уникальных ошибок/, query);
      assert.match(text, /Показаны проблемы, подходящие под все условия отбора\./, query);
    }
    // A search with a filter: what the search found is said as such, not as what is listed.
    const searched = await summary(`q=${encodeURIComponent('снимком')}&crash=1`);
    assert.match(searched, /Поиск нашёл уникальных ошибок: <strong>1<\/strong>; показаны проблемы, подходящие и под остальные условия отбора\./);
    assert.match(await summary(`q=${encodeURIComponent('снимком')}`), /^Проблема — [^]*Найдено уникальных ошибок: <strong>1<\/strong>\./);
  });

  it('pages through the matching problems with the filters kept in the next link', async (t) => {
    const app = await startApp(t);
    for (let i = 0; i < 110; i++) await app.registerZip(await zipOf({ texts: [`Падение ${i}`], clientId: `pc-${i}`, crash: i % 2 === 0 }));
    const browser = app.browser('reader');
    const first = JSON.parse((await browser.get(`${BASE}s/errorsList?crash=1&category=ExceptionRaisedFromScript`, JSON_ACCEPT)).text);
    assert.equal(first.items.length, 50);
    assert.match(first.next, /crash=1/);
    assert.match(first.next, /category=ExceptionRaisedFromScript/);
    const all: number[] = first.items.map((i: { id: number }) => i.id);
    let next: string | null = first.next;
    while (next) {
      const page = JSON.parse((await browser.get(next, JSON_ACCEPT)).text);
      all.push(...page.items.map((i: { id: number }) => i.id));
      next = page.next;
    }
    assert.equal(all.length, 55, 'every crash problem once');
    assert.equal(new Set(all).size, 55);
    assert.ok(all.every((id) => id % 2 === 1), 'problems 1, 3, 5 … had the crash');
  });

  it('answers 400 with a Russian reason for a bad value', async (t) => {
    const app = await withFlags(t);
    const browser = app.browser('reader');
    for (const [query, reason] of [
      ['screenshot=yes', /ожидается 1/],
      ['files=2', /ожидается 1/],
      ['crash=true', /ожидается 1/],
      ['crash=1&crash=1', /ожидается 1/],
      [`category=${encodeURIComponent('К'.repeat(101))}`, /слишком длинное имя категории/],
      ['category=A&category=B', /ожидается одна категория/],
    ] as const) {
      const res = await browser.get(`${BASE}s/errorsList?${query}`, JSON_ACCEPT);
      assert.equal(res.status, 400, query);
      assert.match(res.text, reason, query);
      const html = await browser.get(`${BASE}s/errorsList?${query}`);
      assert.equal(html.status, 400, query);
    }
  });

  it('a report removed by retention or by a clear takes its count along: the problem no longer matches', async (t) => {
    const app = await startApp(t);
    // Problem 1: error 1 (2.0.6.45) whose second report crashed, and error 2 (2.0.6.46) with a screenshot.
    await app.registerZip(await zipOf({ texts: ['Ошибка записи'], clientId: 'pc-a', version: '2.0.6.45' }));
    await app.registerZip(await zipOf({ texts: ['Ошибка записи'], clientId: 'pc-b', version: '2.0.6.45', crash: true }));
    await app.registerZip(await zipOf({ texts: ['Ошибка записи'], clientId: 'pc-c', version: '2.0.6.46', screenshot: true }));
    assert.deepEqual(counts(app), [{ id: 1, screenshots: 1, files: 0, crashes: 1 }]);
    const browser = app.browser('reader');
    const found = async (query: string) => JSON.parse((await browser.get(`${BASE}s/errorsList?${query}`, JSON_ACCEPT)).text).items.map((i: { id: number }) => i.id);
    assert.deepEqual(await found('crash=1'), [1]);

    // Retention keeps each error's first report: of error 1's two, 200 days old, the crashed second one goes.
    const now = new Date();
    await app.store.write((db) => db.run('UPDATE reports SET received_own = ? WHERE error_id = 1', [new Date(now.getTime() - 200 * 86_400_000).toISOString()]));
    await app.settings.update({ ...MED_SETTINGS, retention: { enabled: true, days: 30, keepLatest: 0 } });
    assert.equal(await startRetentionPass(app.store, app.settings.get(), now), true);
    app.jobs.kick();
    await app.jobs.idle();
    assert.equal(rows(app.store, 'SELECT id FROM reports WHERE crashed = 1').length, 0);
    assert.deepEqual(counts(app), [{ id: 1, screenshots: 1, files: 0, crashes: 0 }]);
    assert.deepEqual(await found('crash=1'), []);
    assert.deepEqual(await found('screenshot=1'), [1]);

    // The rules no longer take 2.0.6.46: the clear removes error 2 and its screenshot report.
    await app.settings.update({ ...MED_SETTINGS, configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.45'], recipients: [] }] });
    const plan = planClear(app.store, app.settings.get());
    assert.equal(await startClear(app.store, app.settings, plan.digest), 'started');
    app.jobs.kick();
    await app.jobs.idle();
    assert.deepEqual(counts(app), [{ id: 1, screenshots: 0, files: 0, crashes: 0 }]);
    assert.deepEqual(await found('screenshot=1'), []);
    assert.deepEqual(await found(''), [1], 'the problem stays with its other version');
  });

  it('split and merge move the counts and categories with the unique errors', async (t) => {
    const app = await startApp(t);
    await app.registerZip(await zipOf({ texts: ['Ошибка записи'], clientId: 'pc-a', version: '2.0.6.45', crash: true }));
    await app.registerZip(await zipOf({ texts: ['Ошибка записи'], clientId: 'pc-b', version: '2.0.6.46', screenshot: true, categories: [['NetworkError']] }));
    assert.deepEqual(counts(app), [{ id: 1, screenshots: 1, files: 0, crashes: 1 }]);
    const browser = app.browser('reader');
    const found = async (query: string) => JSON.parse((await browser.get(`${BASE}s/errorsList?${query}`, JSON_ACCEPT)).text).items.map((i: { id: number }) => i.id);
    await browser.get(`${BASE}s/reports/2`);
    const split = await browser.post(`${BASE}s/errors/2/split`, { rev: '1' }, JSON_ACCEPT);
    assert.equal(split.status, 200, split.text);
    assert.deepEqual(counts(app), [
      { id: 1, screenshots: 0, files: 0, crashes: 1 },
      { id: 2, screenshots: 1, files: 0, crashes: 0 },
    ]);
    assert.deepEqual(await found('category=NetworkError'), [2]);
    assert.deepEqual(await found('crash=1'), [1]);
    const rev = JSON.parse(split.text).problem.rev;
    const merged = await browser.post(`${BASE}s/errors/2/merge`, { rev: String(rev), into: '1' }, JSON_ACCEPT);
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual(counts(app), [{ id: 1, screenshots: 1, files: 0, crashes: 1 }]);
    assert.deepEqual(await found('category=NetworkError&crash=1&screenshot=1'), [1]);
  });

  it('keeps at most 16 categories per unique error, each once, none empty or over 100 characters', async (t) => {
    const app = await startApp(t);
    const many = [['', 'A'.repeat(101), 'Повтор', 'Повтор', ...Array.from({ length: 30 }, (_, i) => `Категория${i}`)]];
    await app.registerZip(await zipOf({ texts: ['Много категорий'], categories: many }));
    const stored = rows<{ category: string }>(app.store, 'SELECT category FROM error_categories').map((r) => r.category);
    assert.equal(stored.length, 16);
    assert.ok(stored.includes('Повтор'));
    assert.ok(stored.every((c) => c !== '' && c.length <= 100));
  });
});
