// The one place that finds a Chromium for every browser test and page script. Debian's
// chromium is used when it is there and starts; otherwise the Chromium that `npm ci` installed
// with the @sparticuz/chromium devDependency (its binary ships inside the npm package). No
// browser test is ever skipped: when neither starts, launching fails with a Russian message
// that says what to install.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';
import { REPO } from './pult-sim';

/**
 * Where the system Chromium is looked for. `PULT_SYSTEM_CHROMIUM=none` hides it, so the
 * npm-installed one can be proven to work on a machine that has Debian's chromium too.
 */
const SYSTEM = process.env.PULT_SYSTEM_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags every test browser gets: headless, no sandbox (tests run as root in CI), no network chatter. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Candidate {
  name: string;
  /** Resolves the executable and the environment it needs; throws when it cannot be had. */
  prepare(): Promise<{ executablePath: string; env?: NodeJS.ProcessEnv; args?: string[] }>;
}

const candidates: Candidate[] = [
  {
    name: `системный Chromium (${SYSTEM})`,
    async prepare() {
      if (SYSTEM === 'none') throw new Error('отключён переменной PULT_SYSTEM_CHROMIUM=none');
      if (!fs.existsSync(SYSTEM)) throw new Error('файла нет');
      return { executablePath: SYSTEM };
    },
  },
  { name: 'Chromium из npm-пакета @sparticuz/chromium', prepare: prepareNpmChromium },
];

let found: Promise<{ how: string; options: LaunchOptions }> | undefined;

/**
 * Launches a headless Chromium for a test. The first call tries the candidates in order (each
 * must really start); later calls reuse the one that did.
 */
export async function launchBrowser(): Promise<Browser> {
  found ??= findBrowser();
  const { options } = await found;
  return chromium.launch(options);
}

/** Which browser the tests run in, for logs and notes (after a launch). */
export async function browserDescription(): Promise<string> {
  found ??= findBrowser();
  return (await found).how;
}

async function findBrowser(): Promise<{ how: string; options: LaunchOptions }> {
  const failures: string[] = [];
  for (const c of candidates) {
    try {
      const { executablePath, env, args = [] } = await c.prepare();
      const options: LaunchOptions = { executablePath, args: [...ARGS, ...args], env: env ?? process.env, timeout: 60_000 };
      const browser = await chromium.launch(options);
      const version = browser.version();
      await browser.close();
      const how = `${c.name}: ${executablePath}, версия ${version}`;
      if (process.env.PULT_BROWSER_VERBOSE) console.log(`браузер для тестов — ${how}`);
      return { how, options };
    } catch (err) {
      failures.push(`  - ${c.name}: ${firstLine(err)}`);
    }
  }
  throw new Error(
    'Не удалось запустить Chromium для тестов в браузере. Пробовали:\n' +
      failures.join('\n') +
      '\nУстановите зависимости командой `npm ci` (она ставит @sparticuz/chromium) или системный Chromium ' +
      '(Debian/Ubuntu: `apt-get install chromium`); Chromium из npm нужны библиотеки libnss3 и libexpat1, ' +
      'если их нет в системе, и их копии из пакета не подошли.',
  );
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n').find((l) => l.trim()) ?? String(err);
}

/**
 * Unpacks the npm Chromium into node_modules/.cache (not the shared /tmp the package would use,
 * where two test processes or two checkouts would race over one half-written file): a private
 * staging folder per process, renamed into place whole, so a reader never sees a partial binary.
 */
async function prepareNpmChromium() {
  let pkg: typeof import('@sparticuz/chromium').default;
  let version: string;
  try {
    pkg = (await import('@sparticuz/chromium')).default;
    const pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
    version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    throw new Error('пакет не установлен (выполните `npm ci`)');
  }
  const root = path.join(REPO, 'node_modules', '.cache', 'pult-chromium');
  const dir = path.join(root, version);
  if (!fs.existsSync(path.join(dir, 'chromium'))) {
    fs.mkdirSync(root, { recursive: true });
    const staging = fs.mkdtempSync(path.join(root, `${version}.tmp-`));
    const saved = { TMPDIR: process.env.TMPDIR, CODEBUILD_BUILD_IMAGE: process.env.CODEBUILD_BUILD_IMAGE };
    try {
      // The package unpacks into os.tmpdir(), read at call time: point it at the staging
      // folder. The CodeBuild marker makes it unpack its copies of libnss3 and libexpat too,
      // which a bare Node machine may lack (it only does so for Amazon Linux otherwise).
      process.env.TMPDIR = staging;
      process.env.CODEBUILD_BUILD_IMAGE = 'nodejs20';
      await pkg.executablePath();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    fs.writeFileSync(
      path.join(staging, 'fonts', 'fonts.conf'),
      // The package's own fonts.conf names /tmp/fonts; ours names where we unpacked, plus the
      // system's font folders so a machine's own fonts still count.
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${dir}/fonts</dir>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n  <cachedir>${dir}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another process got there first with the same files.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  const lib = path.join(dir, 'al2023', 'lib');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FONTCONFIG_PATH: path.join(dir, 'fonts'),
    // Last in the search path would not help: LD_LIBRARY_PATH always wins over the system's
    // folders, so the package's copies (built for this binary) are what it gets.
    LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  return { executablePath: path.join(dir, 'chromium'), env, args: ['--no-zygote', '--use-gl=angle', '--use-angle=swiftshader'] };
}

/**
 * A screenshot for people to look at (test-artifacts/), not an assertion. Under a loaded
 * machine Chromium now and then answers a full-page capture with "Unable to capture
 * screenshot" (its compositor missed a frame); the capture is tried again, twice at most,
 * and any other error, or the third failure, fails the test as before.
 */
export async function saveScreenshot(page: Page, options: NonNullable<Parameters<Page['screenshot']>[0]>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.screenshot(options);
      return;
    } catch (err) {
      if (attempt >= 3 || !/Unable to capture screenshot/i.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
