// The demo: the repository itself is the developer-mode plugin "pult" (its package.json main
// is dist/pult.js, built by `npm run build`), linked into the demo plugins folder.
import { copyFile, constants, lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Simulator } from '../index';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEMO_CONFIG = path.join(__dirname, 'config.json');
export const DEMO_ROUTE = 'pult';

/** Makes `<pluginsDir>/pult` a link to the repository; returns a warning when something else is there. */
export async function linkDemoPlugin(pluginsDir: string): Promise<string | undefined> {
  await mkdir(pluginsDir, { recursive: true });
  const link = path.join(pluginsDir, DEMO_ROUTE);
  const existing = await lstat(link).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = path.resolve(pluginsDir, await readlink(link));
    if (target === REPO_ROOT) return undefined;
    return `${link} указывает на ${target}, а не на репозиторий; оставляю как есть`;
  }
  if (existing) return `${link} уже существует и это не ссылка; оставляю как есть`;
  await symlink(REPO_ROOT, link, process.platform === 'win32' ? 'junction' : 'dir');
  return undefined;
}

/** The addresses a person needs to try the demo. */
export function demoLinks(sim: Simulator): string {
  const base = `${sim.config.server.protocol}://${sim.config.server.hostname}:${sim.port}`;
  return [
    'Демо pult запущено:',
    `  войти (выбрать пользователя):        ${base}/_sim/login`,
    `  журнал ошибок:                       ${base}/${DEMO_ROUTE}/s/errorsList`,
    `  исходящая почта:                     ${base}/_sim/outbox`,
    `  адрес сервиса для информационной базы: ${base}/${DEMO_ROUTE}`,
    `  отправить примеры отчётов:           npm run send -- ../shared/samples/reports/*.zip`,
    '  остановить: Ctrl+C',
  ].join('\n');
}

/**
 * The demo's pult settings accept the samples' configuration (МедицинаБольница 2.0.6.*);
 * written once, so what a person changes on the settings page survives restarts.
 */
export async function seedDemoSettings(storageDir: string): Promise<boolean> {
  const dir = path.join(storageDir, DEMO_ROUTE);
  await mkdir(dir, { recursive: true });
  // The 403 page's login link: the simulator's own login page (a real KServer's is configured there).
  await writeFile(path.join(dir, 'pult.config.json'), JSON.stringify({ loginUrl: '/_sim/login?next={next}' }, null, 2) + '\n', { flag: 'wx' }).catch((err) => {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  try {
    await copyFile(path.join(__dirname, 'pult-settings.json'), path.join(dir, 'settings.json'), constants.COPYFILE_EXCL);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
