import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../helpers/browser';
import { REPO } from '../helpers/pult-sim';
import { buildErrors, startApp, type TestApp } from '../pages/harness';

const SHOTS = path.join(REPO, 'test-artifacts', 'problem-list');
const LONG = 'ОченьДлинноеИмяРеквизитаБезПробелов'.repeat(5);

/**
 * The problem list in a real browser (issue 13): it fits 1366 px (Why 1), the keyboard
 * steps through a filter's options without sending the form (Why 3), 15 problems on one
 * 1366×900 screen with a sticky header, keys to move and open, the phone layout.
 */
describe('the problem list in headless Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let app: TestApp;
  let origin: string;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ after: (fn) => cleanups.push(fn) });
    await app.register('client-error', 'client-error-next-version', 'server-job-error');
    await buildErrors(app.store, 30, (i) => ({
      version: `2.0.${i % 4}.${i}`,
      texts: [`{Документ.КартаПациента.Форма.ФормаДокумента.Форма(${i})}: Ошибка при вызове метода контекста (Записать)`, `{ОбщийМодуль.${LONG}.Модуль(${i})}: Не заполнено поле ${LONG} №${i}`],
      reports: 1 + (i % 3),
    }));
    origin = `http://127.0.0.1:${app.port}`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  async function open(url: string, width = 1366, height = 900): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'ru-RU' });
    await context.addCookies([{ name: 'Kodeks', value: 'reader', url: origin }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(origin + url);
    return { page, problems, close: () => context.close() };
  }

  it('fits 1366 px: no sideways scroll, the table within its box, every button fully visible (Why 1)', async () => {
    for (const url of ['/pult/s/errorsList', '/pult/s/errorsList?view=errors', `/pult/s/errorsList?q=${encodeURIComponent('записать')}`]) {
      const { page, problems, close } = await open(url);
      const m = await page.evaluate(() => {
        const wrap = document.querySelector('.table-wrap')!;
        const width = document.documentElement.clientWidth;
        return {
          sideways: document.documentElement.scrollWidth - width,
          table: wrap.scrollWidth - wrap.clientWidth,
          cut: [...document.querySelectorAll('button, .button')].filter((b) => b.getBoundingClientRect().right > width).length,
        };
      });
      await saveScreenshot(page, { path: path.join(SHOTS, `${url.includes('view=errors') ? 'errors' : url.includes('q=') ? 'search' : 'problems'}-1366.png`) });
      assert.deepEqual(m, { sideways: 0, table: 0, cut: 0 }, url);
      if (url.includes('q=')) {
        // Every found row shows a highlighted hit, wherever in its chain of texts it is.
        assert.ok((await page.locator('table.dense tbody tr mark').count()) > 0, 'the search highlights something');
        const hidden = await page.$$eval('table.dense tbody tr', (rows) =>
          rows
            .filter((r) => r.querySelector('mark'))
            .filter((r) => ![...r.querySelectorAll('mark')].some((m) => {
              const box = m.getBoundingClientRect();
              const li = m.closest('li')!.getBoundingClientRect();
              return box.width > 0 && box.left >= li.left - 1 && box.right <= li.right + 1 && box.bottom <= li.bottom + 1;
            }))
            .map((r) => r.id),
        );
        assert.deepEqual(hidden, []);
      }
      assert.deepEqual(problems, []);
      await close();
    }
  });

  it('↓ on the focused version select steps to the next option and sends nothing; the button does (Why 3)', async () => {
    const { page, close } = await open('/pult/s/errorsList');
    let navigations = 0;
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
    await page.focus('#f-version');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(400);
    assert.equal(navigations, 0, 'no reload');
    assert.equal(page.url(), `${origin}/pult/s/errorsList`);
    const chosen = await page.$eval('#f-version', (s) => (s as HTMLSelectElement).selectedIndex);
    assert.equal(chosen, 2, 'the keyboard moved two options down');
    const value = await page.$eval('#f-version', (s) => (s as HTMLSelectElement).value);
    await Promise.all([page.waitForNavigation(), page.click('.filters button[type=submit]')]);
    assert.equal(new URL(page.url()).searchParams.get('version'), value);
    await close();
  });

  it('shows at least 15 problems on one 1366×900 screen, keeps the header on top while scrolling', async () => {
    const { page, close } = await open('/pult/s/errorsList');
    const visible = await page.evaluate(() => [...document.querySelectorAll('table.dense tbody tr')].filter((r) => r.getBoundingClientRect().bottom <= window.innerHeight).length);
    assert.ok(visible >= 15, `${visible} problems visible`);
    await page.evaluate(() => window.scrollTo(0, 700));
    const top = await page.$eval('table.dense thead th', (th) => th.getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 1, `header at ${top}px`);
    await page.evaluate(() => window.scrollTo(0, 0));
    // "новая сегодня" and the last report's time share one cell: nothing of it cut off.
    const when = await page.$$eval('table.dense td.when', (tds) => ({
      today: tds.filter((td) => td.querySelector('.new-today')).length,
      cut: tds.filter((td) => td.scrollWidth > td.clientWidth).map((td) => td.textContent),
    }));
    assert.ok(when.today > 0, 'a problem new today is in the list');
    assert.deepEqual(when.cut, []);
    // A problem in two versions shows the newest and "+1", neither cut off.
    const versions = await page.$$eval('table.dense td.versions ul.chips', (uls) =>
      uls.map((ul) => ({
        shown: [...ul.querySelectorAll('li')].filter((li) => li.getBoundingClientRect().width > 1).map((li) => li.textContent),
        cut: [...ul.querySelectorAll('li')].some((li) => li.getBoundingClientRect().width > 1 && li.getBoundingClientRect().right > ul.getBoundingClientRect().right + 0.5),
      })),
    );
    assert.ok(versions.some((v) => v.shown.length === 2 && v.shown[1] === '+1'), JSON.stringify(versions.slice(0, 3)));
    assert.deepEqual(versions.filter((v) => v.cut), []);
    await saveScreenshot(page, { path: path.join(SHOTS, 'dense-1366.png') });
    await close();
  });

  it('j and k move between rows, x ticks, Enter opens the problem', async () => {
    const { page, problems, close } = await open('/pult/s/errorsList');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    const second = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('table.dense tbody tr')];
      return { current: rows.findIndex((r) => r.classList.contains('current')), focused: rows.findIndex((r) => r.contains(document.activeElement)) };
    });
    assert.deepEqual(second, { current: 1, focused: 1 });
    await page.keyboard.press('x');
    assert.equal(await page.$eval('table.dense tbody tr:nth-child(2) input[name=sel]', (b) => (b as HTMLInputElement).checked), true);
    const href = await page.$eval('table.dense tbody tr:nth-child(2) a[data-open]', (a) => (a as HTMLAnchorElement).href);
    const problemId = await page.$eval('table.dense tbody tr:nth-child(2)', (r) => r.id.slice(1));
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(page.url(), href);
    assert.match(await page.innerText('h1'), new RegExp(`^Ошибка №\\d+ проблемы №${problemId}$`), 'the page opened says which problem it is');
    assert.deepEqual(problems, []);
    await close();
  });

  it('the filter form with screenshot, files, crash and category fits 1366×900 and 375×812: no sideways scroll, every control within the screen', async () => {
    const url = '/pult/s/errorsList?screenshot=1&crash=&category=ExceptionRaisedFromScript&sort=reports';
    for (const [width, height] of [
      [1366, 900],
      [375, 812],
    ] as const) {
      const { page, problems, close } = await open(url, width, height);
      const m = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const form = document.querySelector('form.filters')!;
        return {
          sideways: document.documentElement.scrollWidth - w,
          form: form.scrollWidth - form.clientWidth,
          outside: [...form.querySelectorAll('input, select, button, .button, label')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.left < 0 || r.right > w;
          }).length,
          checked: (document.querySelector('input[name=screenshot]') as HTMLInputElement).checked,
          category: (document.querySelector('#f-category') as HTMLSelectElement).value,
          rows: document.querySelectorAll('table.dense tbody tr').length,
        };
      });
      await saveScreenshot(page, { path: path.join(SHOTS, `filters-${width}.png`) });
      assert.deepEqual(m, { sideways: 0, form: 0, outside: 0, checked: true, category: 'ExceptionRaisedFromScript', rows: 1 }, `${width}px`);
      assert.deepEqual(problems, []);
      await close();
    }
  });

  it('keeps the phone layout at 375 px: cards, no sideways scroll', async () => {
    const { page, close } = await open('/pult/s/errorsList', 375, 812);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(sideways, 0);
    const display = await page.$eval('table.dense tbody tr', (r) => getComputedStyle(r).display);
    assert.equal(display, 'block');
    // What a finger taps: the menu links, the boxes and a problem's number, about 40 px or more.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('.top nav a, input[type=checkbox], td.num.id a')]
        .map((el) => ({ el: el.outerHTML.slice(0, 60), box: el.getBoundingClientRect() }))
        .filter(({ el, box }) => box.width > 0 && (el.startsWith('<input') ? box.width < 20 || box.height < 20 : box.height < 38 || box.width < 36))
        .map(({ el, box }) => `${el} ${Math.round(box.width)}×${Math.round(box.height)}`),
    );
    assert.deepEqual(small, []);
    // The form folds to the search while nothing else is set: the first problem is on the first screen.
    assert.equal(await page.isVisible('#f-config'), false);
    const firstRow = await page.$eval('table.dense tbody tr', (r) => r.getBoundingClientRect().top);
    assert.ok(firstRow < 812, `first problem at ${firstRow}px`);
    await saveScreenshot(page, { path: path.join(SHOTS, 'phone-375.png'), fullPage: false });
    await page.click('button.fold-toggle');
    assert.equal(await page.isVisible('#f-config'), true);
    assert.equal(await page.getAttribute('button.fold-toggle', 'aria-expanded'), 'true');
    await close();
    // A filter set: the form shows whole, with what is chosen.
    const filtered = await open('/pult/s/errorsList?status=new', 375, 812);
    assert.equal(await filtered.page.isVisible('#f-status'), true);
    assert.equal(await filtered.page.locator('button.fold-toggle').count(), 0);
    assert.deepEqual(filtered.problems, []);
    await filtered.close();
  });
});
