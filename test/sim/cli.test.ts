import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE_CONFIG, FIXTURES, request } from './helpers';

const REPO = path.resolve(__dirname, '../..');

/** Runs the CLI as `node --import tsx sim/cli.ts …`; resolves the first stdout line matching `until`. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 10000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${out}\n${err}`)), timeoutMs);
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m);
        }
      };
      child.stdout.on('data', check);
      check();
    });
  return { child, exit, waitFor, output: () => out + err };
}

describe('the CLI (sim/cli.ts)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ksim-cli-'));
    await mkdir(path.join(dir, 'plugins'));
    await symlink(path.join(FIXTURES, 'probe'), path.join(dir, 'plugins', 'probe'), 'dir');
    await writeFile(path.join(dir, 'sim.json'), JSON.stringify({ ...BASE_CONFIG, port: 8087 }));
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ pluginsDir: 'p', port: -1 }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('serves with a config file and --port, and on SIGINT stops the plugins through onShutdown, exiting 0', async () => {
    const cli = runCli(['--config', path.join(dir, 'sim.json'), '--port', '0']);
    try {
      const [, url] = await cli.waitFor(/симулятор слушает (http:\/\/[\d.:]+)\//);
      await cli.waitFor(/\[probe\] запущен/);
      const echo = await request(`${url}/probe/echo`);
      assert.equal(echo.status, 200);

      cli.child.kill('SIGINT');
      assert.equal(await cli.exit, 0, cli.output());
      assert.match(cli.output(), /\[probe\] onShutdown завершён/);
      assert.match(cli.output(), /симулятор остановлен/);
      assert.ok((await readFile(path.join(dir, 'storage', 'probe', 'shutdown-marker'), 'utf8')).length > 0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('exits 1 listing the configuration problems', async () => {
    const cli = runCli(['--config', path.join(dir, 'bad.json')]);
    assert.equal(await cli.exit, 1);
    assert.match(cli.output(), /Ошибки в конфигурации симулятора/);
    assert.match(cli.output(), /- port: /);
    assert.match(cli.output(), /- storageDir: /);
  });
});
