import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCheckpoint } from '../../src/storage/engine/checkpoint';
import { JournalWriter } from '../../src/storage/engine/journal-file';

// The journal and the checkpoint write through plain descriptor numbers (cheaper than a
// FileHandle per call). A number is reused by the next open in the process, so nothing may
// be written or closed through one after it was closed.
describe('descriptor numbers are never used after their close', () => {
  it('a journal closed twice closes its descriptor once, not a file opened since under the same number', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-fd-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const journal = await JournalWriter.create(dir, 1, 1);
    await journal.close();
    const bystander = fs.openSync(path.join(dir, 'bystander'), 'w');
    t.after(() => fs.closeSync(bystander));
    await journal.close();
    assert.doesNotThrow(() => fs.fstatSync(bystander), 'the other file stays open');
  });

  it('a checkpoint whose write fails lets every page write finish before it closes the file: none reaches a file opened next', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-fd-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const page = new Uint8Array(4 << 20).fill(0x50);
    const runs = Array.from({ length: 8 }, (_, i) => ({ offset: i * page.length, length: page.length, chunks: [page] }));
    // A run no file can hold (EFBIG/EINVAL): its worker fails while the others are writing.
    runs.splice(2, 0, { offset: Number.MAX_SAFE_INTEGER - 100, length: 1, chunks: [new Uint8Array(1)] });
    await assert.rejects(runCheckpoint(dir, { plan: { runs, minSize: 0, size: 0 }, settle() {}, journals: [] }, new AbortController().signal));
    const victim = path.join(dir, 'victim.zip');
    const fd = fs.openSync(victim, 'wx');
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.closeSync(fd);
    assert.equal(fs.statSync(victim).size, 0, 'no page of the database was written into the next file');
  });
});
