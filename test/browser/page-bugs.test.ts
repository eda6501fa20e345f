import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../helpers/browser';
import { REPO } from '../helpers/pult-sim';
import { startApp, type TestApp, type Who } from '../pages/harness';
import { planClear, startClear } from '../../src/registry/clear';

const SHOTS = path.join(REPO, 'test-artifacts', 'page-bugs');
const WIDTHS = [
  [1366, 900],
  [375, 812],
] as const;

/**
 * The page bugs of issue 13 (Why 4–7) in a real browser: no console error and a favicon on
 * every page, no sideways scroll, the focus on the first error of a refused save, F5 after
 * a save or a clear says nothing twice. Screenshots land in test-artifacts/page-bugs/.
 */
describe('page bugs in headless Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let app: TestApp;
  let origin: string;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ after: (fn) => cleanups.push(fn) }, undefined, undefined, { loginUrl: '/_sim/login?next={next}' });
    await app.register('client-error', 'client-error-repeat', 'with-attached-file', 'client-error-next-version');
    origin = `http://127.0.0.1:${app.port}`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  /** A browser tab of `who` that records every console error, failed request and 4xx/5xx answer. */
  async function tab(who: Who, width = 1366, height = 900): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
    if (who !== 'anonymous') await context.addCookies([{ name: 'Kodeks', value: who, url: origin }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
    // A fetch the test's own navigation cut short (F5 while the favicon of the page before
    // was still loading, under a loaded machine) is not a fault of the page; anything else is.
    page.on('requestfailed', (r) => {
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
    });
    return { context, page, problems };
  }

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('every page, including 403 and 404, has a favicon, no console error and no sideways scroll at 1366 and 375 px', async () => {
    const pages: [Who, string, number, string][] = [
      ['reader', '', 200, 'home'],
      ['reader', 's/errorsList', 200, 'list'],
      ['reader', 's/reports/1', 200, 'reports'],
      ['reader', 's/report/1', 200, 'report'],
      ['admin', 's/settings', 200, 'settings'],
      ['admin', 's/clear', 200, 'clear'],
      ['anonymous', 's/errorsList', 403, 'forbidden-anonymous'],
      ['exhausted', 's/errorsList', 403, 'forbidden-no-access'],
      ['reader', 's/clear', 403, 'forbidden-reader-clear'],
      ['reader', 's/reports/999', 404, 'not-found'],
    ];
    for (const [width, height] of WIDTHS) {
      for (const [who, url, status, shot] of pages) {
        const { context, page, problems } = await tab(who, width, height);
        const icons: number[] = [];
        page.on('response', (r) => {
          if (/favicon/.test(r.url())) icons.push(r.status());
        });
        const res = await page.goto(`${origin}/pult/${url}`);
        assert.equal(res?.status(), status, `${who} ${url}`);
        const icon = await page.getAttribute('link[rel=icon]', 'href');
        assert.ok(icon, `${url}: a favicon is linked`);
        const fetched = await page.evaluate(async (href) => (await fetch(href)).status, icon);
        assert.equal(fetched, 200, `${url}: the favicon is served`);
        assert.ok(!icons.some((s) => s >= 400), `${url}: no favicon request failed (${icons.join(', ')})`);
        assert.equal(await sideways(page), 0, `${who} ${url} at ${width}px scrolls sideways`);
        await saveScreenshot(page, { path: path.join(SHOTS, `${shot}-${width}.png`), fullPage: true });
        // Everything but the 403/404 document itself must load; that status is the page's answer.
        assert.deepEqual(
          problems.filter((p) => !(status >= 400 && /Failed to load resource: the server responded with a status of (403|404)/.test(p))),
          [],
          `${who} ${url} at ${width}px`,
        );
        await context.close();
      }
    }
  });

  it('a refused save marks the dump type red and puts the focus on the first field in error', async () => {
    const { context, page, problems } = await tab('admin');
    await page.goto(`${origin}/pult/s/settings`);
    await page.fill('#dumpType', 'много');
    // The refused form comes back at the same address: wait for that new document itself (the
    // POST's response and a load check could both be seen before it replaced the old one).
    await Promise.all([page.waitForNavigation(), page.click('form.settings-form button[type=submit]')]);
    assert.equal(await page.getAttribute('#dumpType', 'aria-invalid'), 'true');
    const border = await page.$eval('#dumpType', (el) => getComputedStyle(el).borderTopColor);
    const ok = await page.$eval('#userMessage', (el) => getComputedStyle(el).borderTopColor);
    assert.notEqual(border, ok, 'the field in error has a border of its own colour');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'dumpType', 'focus on the first field in error');
    await saveScreenshot(page, { path: path.join(SHOTS, 'settings-refused-1366.png'), fullPage: false });

    // Two errors: the one higher on the page wins.
    await page.fill('#recipients_0', 'не-адрес');
    // The refused form comes back at the same address: wait for that new document itself (the
    // POST's response and a load check could both be seen before it replaced the old one).
    await Promise.all([page.waitForNavigation(), page.click('form.settings-form button[type=submit]')]);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'recipients_0');
    assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
    await context.close();
  });

  it('after a save, the message is shown once: F5 neither repeats it nor resubmits', async () => {
    const { context, page, problems } = await tab('admin');
    await page.goto(`${origin}/pult/s/settings`);
    await page.fill('#userMessage', 'Спасибо, разбираемся');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form.settings-form button[type=submit]')]);
    await page.waitForSelector('.notice.ok');
    assert.equal(new URL(page.url()).search, '');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.reload();
    assert.equal(await page.locator('.notice.ok').count(), 0, 'no "Настройки сохранены" after F5');
    assert.deepEqual(posts, [], 'F5 sent no form');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('after a confirmed clear, F5 shows the page as it is: no resubmission, no false "nothing removed"', async () => {
    await app.settings.update({ ...app.settings.get(), configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.46'], recipients: [] }] });
    const { context, page, problems } = await tab('admin');
    await page.goto(`${origin}/pult/s/clear`);
    await page.check('input[name=confirm]');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form.confirm button[type=submit]')]);
    await page.waitForLoadState('load');
    await app.jobs.idle();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.reload();
    const main = (await page.textContent('main')) ?? '';
    assert.deepEqual(posts, [], 'F5 sent no form');
    assert.doesNotMatch(main, /изменились|Ничего не удалено/);
    assert.doesNotMatch(main, /Очистка выполнена/, 'said once, on the first answer only');
    assert.match(main, /Последняя очистка завершена .* МСК: удалено ошибок 1/);
    for (const [width, height] of WIDTHS) {
      await page.setViewportSize({ width, height });
      assert.equal(await sideways(page), 0);
      await saveScreenshot(page, { path: path.join(SHOTS, `clear-done-${width}.png`), fullPage: true });
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a running clear updates its progress in place and says when it is done: focus stays, the page does not reload', async () => {
    await app.settings.update({ ...app.settings.get(), configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.'], recipients: [] }] });
    await app.register('client-error');
    await app.settings.update({ ...app.settings.get(), configurations: [{ name: 'МедицинаБольница', versions: ['2.0.6.46'], recipients: [] }] });
    // Recorded as the route records it; the batch runner is told only once the page is open.
    assert.equal(await startClear(app.store, app.settings, planClear(app.store, app.settings.get()).digest), 'started');
    const { context, page, problems } = await tab('admin');
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(`${origin}/pult/s/clear`);
    assert.match(await page.innerText('[data-clear-running] h2'), /Очистка идёт/);
    await page.focus('[data-clear-running] a');
    app.jobs.kick();
    await app.jobs.idle();
    await page.waitForFunction(() => /Очистка выполнена/.test(document.querySelector('[data-live]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.match(await page.innerText('[data-live]'), /Очистка выполнена\. Последняя очистка завершена .* МСК: удалено ошибок 1/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Обновить', 'focus stayed where it was');
    assert.equal(loads, 1, 'no reload');
    assert.equal(await page.getAttribute('[data-live]', 'role'), 'status');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
