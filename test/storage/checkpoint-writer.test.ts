import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCheckpoint } from '../../src/storage/engine/checkpoint';
import type { Run } from '../../src/storage/engine/page-map';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-ckpt-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('checkpoint writes (a worker thread, in batches)', () => {
  it('puts every byte of thousands of scattered pages, over several batches, where it belongs', async (t) => {
    const dir = tempDir(t);
    const runs: Run[] = [];
    // 3000 single pages every third page (12 MB: three batches), then one run longer than a batch.
    for (let i = 0; i < 3000; i++) runs.push({ offset: i * 3 * 4096, length: 4096, chunks: [new Uint8Array(4096).fill((i % 250) + 1)] });
    const long = Array.from({ length: 2500 }, (_, i) => new Uint8Array(4096).fill(255 - (i % 7)));
    const longAt = 3000 * 3 * 4096;
    runs.push({ offset: longAt, length: long.length * 4096, chunks: long });
    const size = longAt + long.length * 4096;
    await runCheckpoint(dir, { plan: { runs, minSize: 0, size }, settle() {}, journals: [] }, new AbortController().signal);

    const file = fs.readFileSync(path.join(dir, 'pult.sqlite'));
    assert.equal(file.length, size);
    for (let i = 0; i < 3000; i++) {
      const at = i * 3 * 4096;
      assert.equal(file[at], (i % 250) + 1, `page ${i}`);
      assert.equal(file[at + 4095], (i % 250) + 1, `page ${i}, last byte`);
      assert.equal(file[at + 4096], 0, `the gap after page ${i} stays empty`);
    }
    for (let i = 0; i < long.length; i += 97) assert.equal(file[longAt + i * 4096 + 17], 255 - (i % 7), `long run, page ${i}`);
  });

  it('a failed write rejects with the system error and its code, and nothing after it is written', async (t) => {
    const dir = tempDir(t);
    const page = new Uint8Array(4096).fill(9);
    const runs: Run[] = [
      { offset: 0, length: 4096, chunks: [page] },
      { offset: Number.MAX_SAFE_INTEGER - 100, length: 1, chunks: [new Uint8Array(1)] },
      // Far enough to be in a batch of its own, after the failing one.
      { offset: 8 << 20, length: 4 << 20, chunks: [new Uint8Array(4 << 20).fill(7)] },
    ];
    await assert.rejects(
      runCheckpoint(dir, { plan: { runs, minSize: 0, size: 0 }, settle() {}, journals: [] }, new AbortController().signal),
      (err: NodeJS.ErrnoException) => typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code),
    );
    const file = fs.readFileSync(path.join(dir, 'pult.sqlite'));
    assert.ok(file.length <= 4096 || file.subarray(8 << 20).every((b) => b === 0), 'the batch after the failure was not written');
  });
});

describe('checkpoint writes where no worker thread can start', () => {
  it('fall back to the thread pool and write every page', async (t) => {
    const dir = tempDir(t);
    const runs: Run[] = Array.from({ length: 50 }, (_, i) => ({ offset: i * 2 * 4096, length: 4096, chunks: [new Uint8Array(4096).fill(i + 1)] }));
    const job = { plan: { runs, minSize: 0, size: 100 * 4096 }, settle() {}, journals: [] };
    await runCheckpoint(dir, job, new AbortController().signal, { writerSource: 'throw new Error("no threads here")' });
    const file = fs.readFileSync(path.join(dir, 'pult.sqlite'));
    for (let i = 0; i < 50; i++) assert.equal(file[i * 2 * 4096 + 100], i + 1, `page ${i}`);
  });
});
