import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageMap } from '../../src/storage/engine/page-map';

const page = (fill: number, size = 4096) => new Uint8Array(size).fill(fill);

function flatten(map: PageMap, limit: number): Array<[number, number[]]> {
  return map.runs(limit).map((r) => [r.offset, r.chunks.flatMap((c) => [c[0]!, c.length])]);
}

describe('PageMap', () => {
  it('keeps the latest bytes per page and coalesces neighbours into runs', () => {
    const map = new PageMap();
    map.put(8192, page(3));
    map.put(0, page(1));
    map.put(4096, page(2));
    map.put(0, page(9));
    map.put(20480, page(5));
    assert.deepEqual(flatten(map, 1 << 20), [
      [0, [9, 4096, 2, 4096, 3, 4096]],
      [20480, [5, 4096]],
    ]);
    assert.equal(map.bytes, 4 * 4096);
  });

  it('splits a multi-page write and clips runs at the file size', () => {
    const map = new PageMap();
    const two = new Uint8Array(8192);
    two.fill(7, 0, 4096);
    two.fill(8, 4096);
    map.put(4096, two);
    assert.deepEqual(flatten(map, 10000), [[4096, [7, 4096, 8, 10000 - 8192]]]);
    assert.deepEqual(flatten(map, 6000), [[4096, [7, 6000 - 4096]]]);
  });

  it('falls back to 512-byte blocks for smaller page sizes without losing data', () => {
    const map = new PageMap();
    map.put(0, page(1));
    map.put(1024, page(2, 1024));
    const runs = map.runs(4096);
    const bytes = Buffer.concat(runs.flatMap((r) => r.chunks));
    assert.equal(runs.length, 1);
    assert.equal(bytes.length, 4096);
    assert.deepEqual([bytes[0], bytes[1023], bytes[1024], bytes[2047], bytes[2048]], [1, 1, 2, 2, 1]);
  });

  it('refuses writes that are not 512-aligned', () => {
    assert.equal(new PageMap().put(100, page(1, 512)), false);
    assert.equal(new PageMap().put(0, page(1, 100)), false);
  });

  it('truncate forgets everything past the new end', () => {
    const map = new PageMap();
    map.put(0, page(1));
    map.put(4096, page(2));
    map.put(8192, page(3));
    map.truncate(4096);
    assert.deepEqual(flatten(map, 1 << 20), [[0, [1, 4096]]]);
    assert.equal(map.bytes, 4096);
  });

  it('keeps its own copy: the caller may reuse the buffer it passed (a view of WASM memory)', () => {
    const map = new PageMap();
    const wasm = page(1);
    map.put(0, wasm);
    wasm.fill(2);
    map.put(4096, wasm);
    wasm.fill(3);
    assert.deepEqual(flatten(map, 1 << 20), [[0, [1, 4096, 2, 4096]]]);
  });

  it('a page written again is overwritten in place; a map handed on is not touched by later writes elsewhere', () => {
    const map = new PageMap();
    map.put(0, page(1));
    const [before] = map.runs(4096);
    map.put(0, page(4));
    assert.equal(before!.chunks[0]![0], 4, 'same block, new bytes');
    assert.equal(map.bytes, 4096);
    const other = new PageMap();
    other.put(0, page(5));
    assert.equal(before!.chunks[0]![0], 4);
  });

  it('reset empties the map and reuses its slabs, across many pages', () => {
    const map = new PageMap();
    for (let i = 0; i < 600; i++) map.put(i * 4096, page(i % 250));
    map.reset();
    assert.equal(map.bytes, 0);
    assert.equal(map.isEmpty, true);
    map.put(8192, page(7));
    map.put(1024, page(6, 512));
    const runs = map.runs(1 << 20).map((r) => [r.offset, Buffer.concat(r.chunks)] as const);
    assert.deepEqual(
      runs.map(([offset, bytes]) => [offset, bytes.length, bytes[0], bytes[bytes.length - 1]]),
      [
        [1024, 512, 6, 6],
        [8192, 4096, 7, 7],
      ],
    );
  });
});
