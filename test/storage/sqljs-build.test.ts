import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import initSqlJs from 'sql.js';
import { chooseBuild, loadSqlEngine } from '../../src/storage/engine/sqljs';
import { scratch } from './helpers';

const run = promisify(execFile);
const CHILD = path.join(__dirname, 'fixtures', 'engine-child.ts');
const DIST = path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));

async function child(dir: string, env: NodeJS.ProcessEnv): Promise<{ engine: string; count: number; integrity: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, dir], { env: { ...process.env, ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim());
}

describe('which sql.js build the storage engine runs', () => {
  it('runs the release build of the installed sql.js (the one whose import names it knows)', async () => {
    const engine = await loadSqlEngine();
    assert.equal(engine.build, 'release 1.16.0');
    // A plain sql.js elsewhere in the process is another instance, not the captured one.
    const plain = await initSqlJs();
    assert.notEqual(plain, engine.SQL);
  });

  it('falls back to the debug build when a byte of the release files differs', async (t) => {
    const { dir } = await scratch(t);
    await copyFile(path.join(DIST, 'sql-wasm.js'), path.join(dir, 'sql-wasm.js'));
    const wasm = await readFile(path.join(DIST, 'sql-wasm.wasm'));
    wasm.writeUInt8(wasm.readUInt8(wasm.length - 1) ^ 1, wasm.length - 1);
    await writeFile(path.join(dir, 'sql-wasm.wasm'), wasm);
    assert.equal((await chooseBuild(dir)).label, 'debug');
    assert.equal((await chooseBuild(DIST)).label, 'release 1.16.0');
  });

  it('both builds keep every write: release by default, debug when forced', async (t) => {
    const { dir } = await scratch(t);
    const release = await child(path.join(dir, 'r'), {});
    assert.deepEqual(release, { engine: 'release 1.16.0', count: 300, integrity: 'ok' });
    const debug = await child(path.join(dir, 'd'), { PULT_SQLJS_BUILD: 'debug' });
    assert.deepEqual(debug, { engine: 'debug', count: 300, integrity: 'ok' });
  });
});
