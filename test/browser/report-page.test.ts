import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../helpers/browser';
import { hostileReportZip } from '../helpers/hostile-report';
import { REPO } from '../helpers/pult-sim';
import { startApp, type TestApp } from '../pages/harness';

const SHOTS = path.join(REPO, 'test-artifacts', 'report-page');
const WIDTHS = [
  [1366, 900],
  [375, 812],
] as const;

/**
 * The report page and the reports table in a real browser: hostile client text stays
 * inert, nothing scrolls sideways at a laptop's and a phone's width, the folded stack
 * opens without script. Screenshots land in test-artifacts/report-page/.
 */
describe('s/report/R and s/reports/N in headless Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let app: TestApp;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ after: (fn) => cleanups.push(fn) });
    await app.register('client-error', 'client-error-repeat', 'with-attached-file', 'web-client'); // reports 1–3 of error 1
    await app.registerZip(await hostileReportZip({ frames: 5000, textBytes: 64 * 1024 })); // report 4, error 2
    await app.register('compile-error-attached', 'server-job-error', 'minimal');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  async function open(url: string, width: number, height: number, shot: string) {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
    const origin = `http://127.0.0.1:${app.port}`;
    await context.addCookies([{ name: 'Kodeks', value: 'reader', url: origin }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const res = await page.goto(origin + url);
    assert.equal(res?.status(), 200, url);
    const overflow = await page.evaluate(() => {
      const d = document.documentElement;
      const wide = [...document.querySelectorAll('.card, .table-wrap, tbody > tr, main')]
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map((el) => `${el.tagName}.${el.className}: ${el.scrollWidth - el.clientWidth}px`);
      return { page: d.scrollWidth - d.clientWidth, wide };
    });
    await saveScreenshot(page, { path: path.join(SHOTS, `${shot}-${width}.png`), fullPage: true });
    await saveScreenshot(page, { path: path.join(SHOTS, `${shot}-${width}-top.png`) });
    return { page, context, overflow, problems };
  }

  for (const [width, height] of WIDTHS) {
    it(`hostile report at ${width}px: inert, no sideways scroll, the stack folded and expandable`, async () => {
      const { page, context, overflow, problems } = await open('/pult/s/report/4', width, height, 'hostile');
      try {
        assert.deepEqual(overflow, { page: 0, wide: [] });
        assert.equal(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined, 'no client script ran');
        assert.deepEqual(problems, []);
        assert.equal(await page.locator('main img').count(), 0, 'neither the HTML screenshot nor client markup became an image');
        assert.match((await page.locator('.crash-banner').innerText()).trim(), /аварийно завершилось/);
        const summary = page.locator('tr.fold summary');
        assert.match(await summary.innerText(), /Свёрнуто кадров: 4971 .*повторяется цикл из 3 кадров, ×1657/);
        const inner = page.locator('tr.fold table.inner');
        assert.equal(await inner.isVisible(), false);
        await summary.click();
        assert.equal(await inner.isVisible(), true, 'details opens without script');
        assert.match(await page.locator('tr.fold').innerText(), /Не показано кадров: \d+ — они есть в report\.json\./);
        assert.equal(await page.locator('tr.raised').count(), 1);
        assert.match(await page.locator('tr.raised td.module').innerText(), /^Модуль\.<img src=x onerror=/);
        const text = await page.locator('#h-chain + ol li').first().innerText();
        assert.match(text, /<script>window\.__pwned='text1'<\/script>\nвторая строка/, 'markup shown as text, line break kept');
        assert.match(text, /вторая строка⟨U\+0000⟩после NUL/, 'a NUL spelled out, not dropped (it glued the words)');
        // A bidi override in a file name is spelled out, not obeyed ("счётexe.jpg" was shown); in a text it stays inside the text.
        const names = [...(await page.locator('ul.files li').allInnerTexts()), ...(await page.locator('td.name').allInnerTexts())];
        assert.ok(names.filter((n) => n.includes('счёт⟨U+202E⟩gpj.exe')).length >= 1, names.join(' | '));
        assert.ok(names.includes('нет⟨U+202E⟩gpj.exe'), 'a named file missing from the archive too');
        assert.deepEqual(names.filter((n) => /[\u202a-\u202e\u2066-\u2069]/.test(n)), []);
        assert.deepEqual(await page.locator('#h-chain + ol li > .text').evaluateAll((els) => [...new Set(els.map((el) => getComputedStyle(el).unicodeBidi))]), ['isolate']);
        const after = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(after, 0, 'the expanded stack does not widen the page either');
      } finally {
        await context.close();
      }
    });

    it(`sample report and the reports table at ${width}px: no sideways scroll, the screenshot shows`, async () => {
      for (const [url, shot] of [
        ['/pult/s/report/1', 'client-error'],
        ['/pult/s/report/5', 'compile-error-attached'],
        ['/pult/s/report/7', 'minimal'],
        ['/pult/s/reports/1', 'reports'],
        ['/pult/s/reports/2', 'reports-hostile'],
      ] as const) {
        const { page, context, overflow, problems } = await open(url, width, height, shot);
        try {
          assert.deepEqual(overflow, { page: 0, wide: [] }, url);
          assert.deepEqual(problems, [], url);
          if (shot === 'client-error') {
            const natural = await page.locator('.shot img').evaluate((img: HTMLImageElement) => img.naturalWidth);
            assert.ok(natural > 0, 'the screenshot loaded under the page CSP');
          }
          assert.equal(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined, url);
        } finally {
          await context.close();
        }
      }
    });
  }
});
