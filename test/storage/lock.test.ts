import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore, StorageLockedError } from '../../src/storage/engine';

const bootId = (() => {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
})();

describe('the data directory lock after a power cut', { skip: bootId ? false : 'needs Linux boot_id' }, () => {
  const withLock = async (content: string, fn: (dir: string) => Promise<void>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-lock-'));
    try {
      fs.writeFileSync(path.join(dir, 'pult.lock'), content);
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('opens when the lock was written before the last reboot, even if its pid is alive now', async () => {
    // process.ppid is alive: after a reboot an unrelated process may well hold that pid.
    await withLock(`${process.ppid}\n00000000-0000-0000-0000-000000000000\n`, async (dir) => {
      const store = await openStore({ dir, log: () => {} });
      await store.close();
    });
  });

  it('refuses while a live process of this boot holds it', async () => {
    await withLock(`${process.ppid}\n${bootId}\n`, async (dir) => {
      await assert.rejects(openStore({ dir, log: () => {} }), StorageLockedError);
    });
  });
});
