import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ZipStore } from '../../src/storage/zip-store';

describe('ZipStore', () => {
  let dir: string;
  let zips: ZipStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-zips-'));
    zips = new ZipStore(dir);
  });
  afterEach(async () => {
    await zips.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores concurrent zips byte for byte in incoming/, then settles each into its shard folder', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => randomBytes(1000 + i * 3000));
    const names = await Promise.all(bodies.map((b) => zips.put(b)));
    assert.equal(new Set(names).size, 20);
    assert.equal(await zips.incomingCount(), 20);
    for (const [i, name] of names.entries()) assert.deepEqual(fs.readFileSync(path.join(dir, 'incoming', name)), bodies[i]);
    await Promise.all(names.map((n) => zips.settle(n)));
    assert.equal(await zips.incomingCount(), 0);
    for (const [i, name] of names.entries()) {
      assert.equal(zips.locate(name), path.join(dir, name.slice(0, 2), name));
      assert.deepEqual(fs.readFileSync(zips.locate(name)!), bodies[i]);
    }
  });

  it('makes a shard folder again if it went away after an earlier settle', async () => {
    const first = await zips.put(Buffer.from('one'));
    await zips.settle(first);
    fs.rmSync(path.join(dir, first.slice(0, 2)), { recursive: true });
    const again = first.slice(0, 2) + (await zips.put(Buffer.from('two'))).slice(2);
    fs.renameSync(path.join(dir, 'incoming', fs.readdirSync(path.join(dir, 'incoming'))[0]!), path.join(dir, 'incoming', again));
    await zips.settle(again);
    assert.equal(fs.readFileSync(zips.locate(again)!, 'utf8'), 'two');
  });

  it('keeps working after close() (the folder is opened again for its fsync)', async () => {
    await zips.put(Buffer.from('before'));
    await zips.close();
    const name = await zips.put(Buffer.from('after'));
    assert.equal(fs.readFileSync(path.join(dir, 'incoming', name), 'utf8'), 'after');
  });
});
