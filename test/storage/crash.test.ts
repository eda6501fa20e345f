import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { abandonStore } from '../../src/storage/engine/testing';
import { integrity, openItems, scratch } from './helpers';

const CHILD = path.join(__dirname, 'fixtures', 'crash-child.ts');
const ROUNDS = 12;

/** Runs the child until it has acknowledged some writes, kills it with SIGKILL, returns the acknowledged ids. */
function runAndKill(dir: string, firstId: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(firstId)], {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!timer && /^\d+$/m.test(out)) {
        timer = setTimeout(() => child.kill('SIGKILL'), 30 + Math.random() * 700);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`child exited with ${code}: ${err}`));
      const complete = out.slice(0, out.lastIndexOf('\n') + 1);
      resolve(complete.split('\n').filter((l) => /^\d+$/.test(l)).map(Number));
    });
  });
}

describe('kill -9 at random moments', () => {
  it(`over ${ROUNDS} rounds, every acknowledged write survives and the database stays intact`, async (t) => {
    const { dir } = await scratch(t);
    const acknowledged: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      acknowledged.push(...(await runAndKill(dir, (round + 1) * 1_000_000)));

      const store = await openItems(dir);
      const present = new Set(
        store.read((db) => (db.exec('SELECT id FROM items')[0]?.values ?? []).map((r) => Number(r[0]))),
      );
      const missing = acknowledged.filter((id) => !present.has(id));
      assert.deepEqual(missing.slice(0, 10), [], `round ${round}: ${missing.length} acknowledged ids lost`);
      assert.equal(store.read(integrity), 'ok', `round ${round}`);
      // Alternate a clean close with another "crash", so journals pile up across rounds too.
      if (round % 2 === 0) await abandonStore(store);
      else await store.close();
    }
    assert.ok(acknowledged.length > ROUNDS, `the children acknowledged ${acknowledged.length} writes`);
  });
});
