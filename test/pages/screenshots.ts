/**
 * Not a test: renders the s/ pages in headless Chromium at 1366 and 375 px and saves PNGs
 * under test-artifacts/pages/ for a person to look at.
 *   node --import tsx test/pages/screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { browserDescription, launchBrowser, saveScreenshot } from '../helpers/browser';
import { buildErrors, startApp, type Who } from './harness';

async function main() {
  const cleanups: (() => Promise<void>)[] = [];
  const app = await startApp({ after: (fn) => cleanups.push(fn) });
  try {
    await app.register('client-error', 'client-error-repeat', 'client-error-other-pc', 'client-error-next-version', 'client-error-one-extension');
    await app.register('server-job-error', 'with-attached-file', 'web-client', 'minimal');
    await buildErrors(app.store, 3, (i) => ({ config: 'СтараяКонфигурация', version: `1.0.${i}.1` }));
    await buildErrors(app.store, 1, () => ({ detailed: false }));
    await buildErrors(app.store, 1, () => ({ texts: ['<script>alert(1)</script> <b>жирный</b> & «кавычки»', 'Очень длинный текст ошибки без пробелов: ' + 'ОченьДлинноеИмяПеременнойБезПробелов'.repeat(6)] }));
    const browser = await launchBrowser();
    console.log(`браузер: ${await browserDescription()}`);
    const out = path.resolve(__dirname, '..', '..', 'test-artifacts', 'pages');
    fs.mkdirSync(out, { recursive: true });
    const origin = `http://127.0.0.1:${app.port}`;
    const shots: [string, string, Who][] = [
      ['errors-list', '/pult/s/errorsList', 'reader'],
      ['errors-search', `/pult/s/errorsList?q=${encodeURIComponent('лечащ врач')}`, 'reader'],
      ['errors-filtered', `/pult/s/errorsList?config=${encodeURIComponent('МедицинаБольница')}`, 'reader'],
      ['reports', '/pult/s/reports/1', 'reader'],
      ['settings-admin', '/pult/s/settings', 'admin'],
      ['settings-reader', '/pult/s/settings', 'reader'],
      ['clear', '/pult/s/clear', 'admin'],
      ['forbidden', '/pult/s/errorsList', 'exhausted'],
    ];
    for (const width of [1366, 375]) {
      for (const [name, url, who] of shots) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ru-RU' });
        await context.addCookies([{ name: 'Kodeks', value: who, url: origin }]);
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(String(e)));
        await page.goto(origin + url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await saveScreenshot(page, { path: path.join(out, `${name}-${width}.png`), fullPage: true });
        // Tall phone pages also in readable slices.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        for (let y = 0, n = 1; width < 800 && y < Math.min(height, 3600); y += 1200, n++) {
          const clip = { x: 0, y, width, height: Math.min(1200, height - y) };
          await saveScreenshot(page, { path: path.join(out, `${name}-${width}-part${n}.png`), fullPage: true, clip });
        }
        console.log(`${name}-${width}: horizontal overflow ${overflow}px${problems.length ? '; console: ' + problems.join(' | ') : ''}`);
        await context.close();
      }
    }
    // The list from the keyboard: the second row current (j j), and the focus ring.
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addCookies([{ name: 'Kodeks', value: 'reader', url: origin }]);
    const page = await context.newPage();
    await page.goto(`${origin}/pult/s/errorsList`);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await saveScreenshot(page, { path: path.join(out, 'keys-1366.png') });
    // A choice in a filter applies by the button (arrow keys step through the options).
    await page.goto(`${origin}/pult/s/errorsList?version=2.0.6.45`);
    await page.selectOption('#f-config', 'СтараяКонфигурация');
    await Promise.all([page.waitForURL(/config=/), page.click('.filters button[type=submit]')]);
    console.log('filter by button:', decodeURIComponent(new URL(page.url()).search));
    // Keyboard focus is visible.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await saveScreenshot(page, { path: path.join(out, 'focus-1366.png'), clip: { x: 0, y: 0, width: 1366, height: 300 } });
    await browser.close();
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
