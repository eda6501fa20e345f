/**
 * The plugin's main module, run by the KServer monitor after it has set
 * `global.KServerApi`. Starts pult and hands the monitor its shutdown hook.
 */
import fs from 'node:fs';
import path from 'node:path';
import { batchedStdout, createLogger } from './log';
import { startPlugin } from './plugin';

const g = globalThis as unknown as Record<string, unknown>;
const stdout = batchedStdout();
const log = createLogger(stdout);
// dist/pult.js sits one level below the package root, beside templates/.
const templatesDir = path.resolve(__dirname, '..', 'templates');
// The production file carries sql.js's release files beside the bundle; in development they come from node_modules.
const sqlJsDir = fs.existsSync(path.join(__dirname, 'sql-wasm.wasm')) ? __dirname : undefined;

// package.json is at the package root, as templates/ are (developer folder and production file alike).
const packageJson = path.resolve(__dirname, '..', 'package.json');

const started = startPlugin(g, { templatesDir, sqlJsDir, packageJson }, log);
g.onShutdown = async () => {
  const plugin = await started.catch(() => undefined);
  try {
    await plugin?.shutdown();
  } finally {
    stdout.flush?.(); // the last lines before the monitor ends the process
  }
};
started.catch((err) => {
  // Without a host object there is nothing to serve; the process ends on its own.
  log.error('pult не запущен', err);
});
