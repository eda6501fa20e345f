import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { abandonStore } from '../../src/storage/engine/testing';
import { crc32 } from '../../src/storage/engine/crc32';
import { changedRanges, journalRuns } from '../../src/storage/engine/page-diff';
import { encodeFileHeader, FILE_HEADER_SIZE, parseGroup } from '../../src/storage/engine/journal-format';
import { PageMap, type Run } from '../../src/storage/engine/page-map';
import { integrity, itemIds, journals, openItems, scratch } from './helpers';

/** A deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32);
}

function applyRuns(base: Uint8Array, offset: number, runs: Run[]): Uint8Array {
  const out = Uint8Array.from(base);
  for (const r of runs) out.set(Buffer.concat(r.chunks), r.offset - offset);
  return out;
}

/** Every frame of every intact group of a journal file. */
async function frames(file: string): Promise<Array<{ offset: number; length: number }>> {
  const buf = await readFile(file);
  const out: Array<{ offset: number; length: number }> = [];
  for (let pos = FILE_HEADER_SIZE; ; ) {
    const parsed = parseGroup(buf, pos);
    if (parsed.kind !== 'ok') return out;
    for (const f of parsed.group.frames) out.push({ offset: f.offset, length: f.bytes.length });
    pos = parsed.group.end;
  }
}

describe('page diff', () => {
  it('the changed ranges rebuild the page from its base, and leave out what did not change', () => {
    const next = rng(7);
    for (let round = 0; round < 300; round++) {
      const base = new Uint8Array(4096).map(() => Math.floor(next() * 256));
      const cur = Uint8Array.from(base);
      const edits = Math.floor(next() * 12);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * 4096);
        const len = 1 + Math.floor(next() * 40);
        for (let i = at; i < Math.min(4096, at + len); i++) cur[i] = (cur[i]! + 1 + Math.floor(next() * 255)) & 0xff;
      }
      const runs: Run[] = [];
      changedRanges(base, cur, 8192, runs);
      assert.deepEqual(applyRuns(base, 8192, runs), cur, `round ${round}`);
      for (const r of runs) {
        const from = r.offset - 8192;
        const bytes = r.chunks[0]!;
        // Each range starts and ends on a word that changed: nothing unchanged at its edges.
        const word = (p: number) => Buffer.from(base.subarray(p, p + 4)).equals(Buffer.from(cur.subarray(p, p + 4)));
        assert.ok(!word(from) && !word(from + bytes.length - 4), `round ${round}: range ${from}+${bytes.length}`);
      }
      if (edits === 0) assert.equal(runs.length, 0);
    }
  });

  it('joins ranges fewer than 16 equal bytes apart, and splits farther ones', () => {
    const base = new Uint8Array(4096);
    const cur = Uint8Array.from(base);
    cur[100] = 1;
    cur[112] = 1; // 8 equal bytes between the words: one range
    cur[400] = 1; // far: a range of its own
    const runs: Run[] = [];
    changedRanges(base, cur, 0, runs);
    assert.deepEqual(runs.map((r) => [r.offset, r.length]), [[100, 16], [400, 4]]);
  });

  it('pages without a base are journaled whole, neighbours in one run; pages with one as their changes', () => {
    const pages = new PageMap();
    const bases = new PageMap();
    for (const p of [0, 1, 2, 5]) pages.put(p * 4096, new Uint8Array(4096).fill(p + 1));
    bases.put(1 * 4096, new Uint8Array(4096).fill(2)); // page 1 unchanged
    const base5 = new Uint8Array(4096).fill(6);
    base5[10] = 0;
    bases.put(5 * 4096, base5);
    const runs = journalRuns(pages, bases, 6 * 4096, 256);
    assert.deepEqual(runs.map((r) => [r.offset, r.length]), [[0, 4096], [8192, 4096], [5 * 4096 + 8, 4]]);
  });
});

describe('the journal holds what changed', () => {
  it('a second change of a page in one generation journals only its bytes, and the crash replays it exactly', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    await store.write((db) => {
      for (let id = 1; id <= 200; id++) db.run('INSERT INTO items (id, name, payload) VALUES (?, ?, ?)', [id, `item ${id}`, 'x'.repeat(100)]);
    });
    const journal = path.join(dir, (await journals(dir)).at(-1)!);
    const before = (await frames(journal)).length;
    await store.write((db) => db.run("UPDATE items SET payload = 'changed' WHERE id = 150"));
    const after = (await frames(journal)).slice(before);
    const bytes = after.reduce((n, f) => n + f.length, 0);
    // The row's page, the index is untouched, page 1's change counter: a few dozen bytes, not 8 KiB.
    assert.ok(after.length > 0 && bytes < 600, `${after.length} frames, ${bytes} bytes`);
    const expected = store.read((db) => db.exec('SELECT id, name, payload FROM items ORDER BY id')[0]?.values);
    await abandonStore(store);

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.deepEqual(reopened.read((db) => db.exec('SELECT id, name, payload FROM items ORDER BY id')[0]?.values), expected);
    assert.equal(reopened.read(integrity), 'ok');
  });

  it('after a checkpoint, the first change of a page is journaled whole again', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    defer(() => store.close());
    await store.write((db) => {
      for (let id = 1; id <= 200; id++) db.run('INSERT INTO items (id, name, payload) VALUES (?, ?, ?)', [id, `item ${id}`, 'x'.repeat(100)]);
    });
    await store.checkpoint();
    const journal = path.join(dir, (await journals(dir)).at(-1)!);
    const before = (await frames(journal)).length;
    await store.write((db) => db.run("UPDATE items SET payload = 'changed' WHERE id = 150"));
    const after = (await frames(journal)).slice(before);
    assert.ok(after.length > 0 && after.every((f) => f.offset % 4096 === 0 && f.length % 4096 === 0), JSON.stringify(after));
  });

  it('a journal of format 1 (whole pages only) is still replayed', async (t) => {
    const { dir, defer } = await scratch(t);
    const store = await openItems(dir);
    for (let id = 1; id <= 5; id++) await store.write((db) => db.run('INSERT INTO items (id, name) VALUES (?, ?)', [id, `item ${id}`]));
    await store.checkpoint();
    // One group after the checkpoint: every page it writes is its first write, journaled whole.
    await store.write((db) => db.run("INSERT INTO items (id, name) VALUES (6, 'item 6')"));
    await abandonStore(store);
    const name = (await journals(dir)).at(-1)!;
    const file = path.join(dir, name);
    const buf = await readFile(file);
    const fresh = encodeFileHeader({ generation: Number(name.split('.')[1]), firstSeq: 0 });
    assert.ok(buf.subarray(8, 12).readUInt32LE(0) === 2 && fresh.readUInt32LE(8) === 2);
    // The same header as format 1 (its checksum recomputed over the changed version).
    const header = Buffer.from(buf.subarray(0, FILE_HEADER_SIZE));
    header.writeUInt32LE(1, 8);
    header.writeUInt32LE(crc32(header.subarray(0, 32)), 32);
    assert.ok((await frames(file)).every((f) => f.offset % 4096 === 0 && f.length % 4096 === 0));
    await writeFile(file, Buffer.concat([header, buf.subarray(FILE_HEADER_SIZE)]));

    const reopened = await openItems(dir);
    defer(() => reopened.close());
    assert.deepEqual(itemIds(reopened), [1, 2, 3, 4, 5, 6]);
  });
});
