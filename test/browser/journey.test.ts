import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { getInfo } from '../../sim/platform/report-client';
import { browserDescription, launchBrowser, saveScreenshot } from '../helpers/browser';
import { buildReportZip } from '../helpers/build-report';
import { REPO, startPultSim, type PultSim } from '../helpers/pult-sim';
import { SAMPLE_ORDER, SAMPLES, sampleReport } from '../helpers/samples';

const SHOTS = path.join(REPO, 'test-artifacts', 'browser');
const run = promisify(execFile);

/**
 * A reader's and an administrator's day in a real browser, through the simulator: log in on
 * the simulator's page, reports arrive from the send command, list, filter, an error, a
 * mark, a zip, settings, clear. Screenshots of every page land in test-artifacts/browser/.
 */
describe('in headless Chromium, through the simulator', { timeout: 180_000 }, () => {
  let t: PultSim;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = async (name: string) => {
    await saveScreenshot(page, { path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const noSideways = async () =>
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no horizontal page scroll');

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startPultSim({ sim: { server: { hostname: '127.0.0.1', protocol: 'http', preferredVDir: '' } } });
    browser = await launchBrowser();
    console.log(`# браузер: ${await browserDescription()}`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    if (process.env.DEBUG_BROWSER) page.on('framenavigated', (f) => console.log('navigated', f.url()));
    page.on('dialog', (d) => {
      pageErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('sends nobody in without logging in, and offers the login page', async () => {
    const res = await page.goto(`${t.base}/s/errorsList`);
    assert.equal(res?.status(), 403);
    assert.match(await page.textContent('body') ?? '', /Страницы pult открываются после входа в KServer/);
    await shot('01-forbidden');
    await Promise.all([page.waitForURL(/\/_sim\/login\?next=/), page.click('a[data-login]')]);
    assert.equal(new URL(page.url()).searchParams.get('next'), '/pult/s/errorsList');
  });

  it('logs in as the administrator on the simulator login page and sees the empty list', async () => {
    await page.goto(`${t.sim.url}/_sim/login?next=${encodeURIComponent('/pult/s/errorsList')}`);
    await shot('02-login');
    await page.check('input[name=login][value=admin]');
    await Promise.all([page.waitForURL(/\/pult\/s\/errorsList/), page.click('button[type=submit]')]);
    assert.match(await page.textContent('main') ?? '', /Ошибок пока нет/);
    await shot('03-empty-list');
  });

  it('shows the errors the send command delivered, with client HTML inert', async () => {
    const files = SAMPLE_ORDER.map((name) => path.join(SAMPLES, 'reports', `${name}.zip`));
    const hostile = path.join(t.dir, 'hostile.zip');
    fs.writeFileSync(
      hostile,
      await buildReportZip({
        clientId: 'pc-hostile',
        texts: ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">Деление на <b>0</b>'],
        userName: '<svg onload="window.__pwned = 3">',
        userDescription: '"><script>window.__pwned = 4</script>',
      }),
    );
    // The command exits 1 because unknown-config is refused: that refusal is part of the story.
    const sent = await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'sim', 'send.ts'), '--url', t.base, ...files, hostile], { cwd: REPO }).catch(
      (err: { code: number; stdout: string }) => {
        assert.equal(err.code, 1);
        return err;
      },
    );
    assert.match(sent.stdout, /client-error\.zip: pushReport 200/);
    assert.match(sent.stdout, /unknown-config\.zip: pushReport 4\d\d/);

    await page.goto(`${t.base}/s/errorsList`);
    assert.equal(await page.locator('table.problems tbody tr').count(), 5, 'the bug of three versions/extension sets is one row; the job error, the minimal one, the compile error and the hostile one');
    assert.match(await page.textContent('#p1') ?? '', /2\.0\.6\.46\s*2\.0\.6\.45/, 'the problem lists its versions');
    await noSideways();
    await shot('04a-problems');
    await page.click('a[href$="view=errors"]');
    const rows = await page.locator('table.errors tbody tr').count();
    assert.equal(rows, 7, 'six unique errors of the samples and the hostile one');
    assert.match(await page.textContent('main') ?? '', /<script>window.__pwned = 1<\/script>/, 'the script is shown as text');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await noSideways();
    await shot('04-errors-list');
  });

  it('filters by configuration, then by version (a choice applies by the button: issue 13, Why 3)', async () => {
    await page.selectOption('#f-config', 'МедицинаБольница');
    await Promise.all([page.waitForURL(/config=/), page.click('.filters button[type=submit]')]);
    assert.equal(await page.locator('table.errors tbody tr').count(), 7, 'the hostile report is of the same configuration');
    await page.selectOption('#f-version', '2.0.6.46');
    await Promise.all([page.waitForURL(/version=2\.0\.6\.46/), page.click('.filters button[type=submit]')]);
    assert.equal(await page.locator('table.errors tbody tr').count(), 1);
    await shot('05-filtered');
  });

  it('opens error 1 with its reports, "Файлы пользователя" for the attached one', async () => {
    await page.goto(`${t.base}/s/errorsList?view=errors`);
    await Promise.all([page.waitForURL(/\/s\/reports\/1$/), page.click('a[href$="/s/reports/1"] >> nth=0')]);
    const main = (await page.textContent('main')) ?? '';
    assert.match(main, /Ошибка №1/);
    assert.match(main, /Файлы пользователя/);
    assert.match(main, /Петрова Анна Сергеевна/);
    await noSideways();
    await shot('06-reports');
  });

  it('takes the problem, marks it fixed in a version, and a report of a newer version brings it back as a regression with a mail', async () => {
    await Promise.all([page.waitForLoadState('load'), page.click('button[data-take]')]);
    assert.match(await page.textContent('#problem h2') ?? '', /в работе\s*Администратор/, "taking it puts yourself");
    await page.check('input[name=status][value=fixed]');
    await page.fill('#fixedIn', '2.0.6.47');
    await page.fill('#comment', 'Исправлено:\nпроверка поля перед записью');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-state-form] button[type=submit]')]);
    assert.match(await page.textContent('#problem h2') ?? '', /исправлена в версии 2\.0\.6\.47/);
    assert.match(await page.textContent('#history') ?? '', /статус: в работе → исправлена в версии 2\.0\.6\.47/);
    await noSideways();
    await shot('07-fixed');

    const newer = path.join(t.dir, 'newer.zip');
    fs.writeFileSync(newer, await buildReportZip({ version: '2.0.6.47', clientId: 'pc-after-fix' }));
    const sent = await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'sim', 'send.ts'), '--url', t.base, newer], { cwd: REPO });
    assert.match(sent.stdout, /pushReport 200/);
    await page.reload();
    assert.match(await page.textContent('#problem h2') ?? '', /регрессия/);
    assert.match(await page.textContent('#history') ?? '', /регрессия: отчёт версии 2\.0\.6\.47/);
    await shot('07b-regression');
    await page.goto(`${t.sim.url}/_sim/outbox`);
    await page.waitForFunction(() => document.body.textContent?.includes('Регрессия МедицинаБольница'), undefined, { timeout: 10_000 }).catch(async () => {
      await page.reload();
      await page.waitForFunction(() => document.body.textContent?.includes('Регрессия МедицинаБольница'), undefined, { timeout: 10_000 });
    });
    await shot('07c-outbox');
    await page.goto(`${t.base}/s/reports/1`);
  });

  it('downloads a report zip byte for byte', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.zip >> nth=-1')]);
    const file = path.join(t.dir, 'downloaded.zip');
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /^pult-1-\d+\.zip$/);
    assert.deepEqual(fs.readFileSync(file), sampleReport('client-error'), 'the oldest report of error 1');
  });

  it('edits the settings and getInfo obeys at once', async () => {
    await page.goto(`${t.base}/s/settings`);
    await page.fill('#userMessage', 'Исправляем, спасибо!');
    await page.check('input[name=mode_0][value=list]');
    await page.fill('#versions_0', '2.0.6.45');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form.settings-form button[type=submit]')]);
    await page.waitForSelector('.notice.ok');
    assert.match(await page.textContent('.notice.ok') ?? '', /Настройки сохранены/);
    assert.equal(new URL(page.url()).search, '', 'nothing in the address to say it again');
    await shot('08-settings-saved');
    const info = JSON.parse((await getInfo(t.base, { configName: 'МедицинаБольница', configVersion: '2.0.6.45' })).body);
    assert.deepEqual(info, { needSendReport: true, dumpType: 0, userMessage: 'Исправляем, спасибо!' });
    const other = JSON.parse((await getInfo(t.base, { configName: 'МедицинаБольница', configVersion: '2.0.6.46' })).body);
    assert.equal(other.needSendReport, false);
  });

  it('clears what the rules no longer accept, after asking', async () => {
    await page.goto(`${t.base}/s/clear`);
    assert.match(await page.textContent('main') ?? '', /2\.0\.6\.46/);
    await shot('09-clear-plan');
    await page.check('input[name=confirm]');
    await Promise.all([page.waitForLoadState('load'), page.click('form.confirm button[type=submit]')]);
    assert.match(await page.textContent('main') ?? '', /[Уу]далено/);
    await shot('10-clear-done');
    await page.goto(`${t.base}/s/errorsList?view=errors`);
    assert.equal(await page.locator('table.errors tbody tr').count(), 6, 'the 2.0.6.46 and 2.0.6.47 errors went');
    assert.doesNotMatch(await page.textContent('table.errors') ?? '', /2\.0\.6\.46/);
  });

  it('reads on a narrow phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [name, url] of [
      ['11-phone-list', `${t.base}/s/errorsList`],
      ['11b-phone-errors', `${t.base}/s/errorsList?view=errors`],
      ['12-phone-reports', `${t.base}/s/reports/1`],
      ['13-phone-settings', `${t.base}/s/settings`],
    ]) {
      await page.goto(url!);
      await noSideways();
      await shot(name!);
      if (name === '12-phone-reports') {
        // No hover on a phone: a report's flags (screenshot, files, crash) say their words beside the icons.
        const words = await page.locator('td.flags .flag .sr-only').evaluateAll((els) =>
          els.map((el) => ({ text: el.textContent, box: `${Math.round(el.getBoundingClientRect().width)}×${Math.round(el.getBoundingClientRect().height)}` })),
        );
        assert.ok(words.length > 0, 'a report with a flag is listed');
        // Drawn at their size, not clipped to the 1 px of a screen-reader-only text.
        assert.deepEqual(words.filter((w) => Number(w.box.split('×')[0]) < 40 || Number(w.box.split('×')[1]) < 10), []);
      }
    }
  });

  it('ran no script from a report and threw no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
