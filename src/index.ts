/**
 * The plugin's main module, run by the KServer monitor after it has set
 * `global.KServerApi`. Starts pult and hands the monitor its shutdown hook.
 */
import path from 'node:path';
import { createLogger } from './log';
import { startPlugin } from './plugin';

const g = globalThis as unknown as Record<string, unknown>;
const log = createLogger();
// dist/pult.js sits one level below the package root, beside templates/.
const templatesDir = path.resolve(__dirname, '..', 'templates');

const started = startPlugin(g, { templatesDir }, log);
g.onShutdown = async () => {
  const plugin = await started.catch(() => undefined);
  await plugin?.shutdown();
};
started.catch((err) => {
  // Without a host object there is nothing to serve; the process ends on its own.
  log.error('pult не запущен', err);
});
