import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { readPluginFile, type PluginArchive } from '../../sim/plugins/file-format';
import { REPO } from '../helpers/pult-sim';

const run = promisify(execFile);
/** Optional requires inside try/catch in bundled libraries (nunjucks' watch mode, debug's colours). */
// sql-wasm-debug.js: the engine's fallback for an sql.js it does not know; the file carries the
// known release build (packaging checks it), so that require never runs there.
const OPTIONAL = ['chokidar', 'supports-color', 'sql.js/dist/sql-wasm-debug.js'];

describe('npm run package: one self-contained file named after the route', () => {
  let root: string;
  let out: string;
  let archive: PluginArchive;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pult-package-cli-'));
    // What `npm run package -- --out DIR` runs.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sim/package-pult.ts', '--out', root], { cwd: REPO });
    out = stdout;
    archive = await readPluginFile(path.join(root, 'pult.kplugin'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('writes pult.kplugin alone and says what it wrote', () => {
    assert.deepEqual(fs.readdirSync(root), ['pult.kplugin']);
    assert.match(out, /pult\.kplugin: pult 0\.1\.0, [\d,]+ МБ, файлов: \d+/);
    assert.deepEqual([archive.manifest.route, archive.manifest.name], ['pult', 'pult']);
  });

  it('carries the monitor fields of package.json and nothing for development', () => {
    const repo = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const info = archive.info;
    assert.equal(info.main, 'dist/pult.js');
    assert.deepEqual(info.required_licenses, repo.required_licenses);
    assert.deepEqual(info.pult, repo.pult);
    for (const key of ['scripts', 'dependencies', 'devDependencies']) assert.equal(info[key], undefined, key);
  });

  it('carries the bundle, the release build of sql.js and every template and asset, byte for byte', () => {
    assert.ok(archive.entries.has('dist/pult.js'));
    for (const f of ['sql-wasm.js', 'sql-wasm.wasm']) {
      const bytes = fs.readFileSync(require.resolve(`sql.js/dist/${f}`, { paths: [REPO] }));
      assert.ok(archive.entries.get(`dist/${f}`)?.equals(bytes), f);
    }
    const templates = path.join(REPO, 'templates');
    const expected = fs
      .readdirSync(templates, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => path.relative(REPO, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    assert.ok(expected.length > 0);
    for (const name of expected) assert.ok(archive.entries.get(name)?.equals(fs.readFileSync(path.join(REPO, name))), name);
    assert.deepEqual(
      [...archive.entries.keys()].filter((n) => !expected.includes(n)).sort(),
      ['dist/pult.js', 'dist/sql-wasm.js', 'dist/sql-wasm.wasm', 'package.json'],
    );
  });

  it('needs nothing outside itself at run time: the bundle requires only Node built-ins', () => {
    const bundle = archive.entries.get('dist/pult.js')!.toString('utf8');
    const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const outside = [...required].filter((m) => !builtins.has(m) && !OPTIONAL.includes(m));
    assert.deepEqual(outside, []);
    for (const lib of ['koa', 'nunjucks', 'jszip', 'zod']) assert.ok(!required.has(lib), lib);
  });

  it('does not contain the test-only migration', () => {
    assert.ok(!archive.entries.get('dist/pult.js')!.toString('utf8').includes('test_upgrade'));
  });
});
