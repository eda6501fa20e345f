import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeFileHeader,
  encodeGroup,
  parseFileHeader,
  parseGroup,
} from '../../src/storage/engine/journal-format';

function sampleGroup(): Buffer {
  return encodeGroup({
    seq: 42,
    size: 3 * 4096,
    minSize: 4096,
    commits: 7,
    runs: [
      { offset: 0, length: 4096, chunks: [new Uint8Array(4096).fill(1)] },
      { offset: 8192, length: 8192, chunks: [new Uint8Array(4096).fill(2), new Uint8Array(4096).fill(3)] },
    ],
  });
}

describe('journal format', () => {
  it('a file header round-trips and rejects damage', () => {
    const header = encodeFileHeader({ generation: 5, firstSeq: 2 ** 40 });
    assert.deepEqual(parseFileHeader(header), { generation: 5, firstSeq: 2 ** 40 });
    header[20] = header[20]! ^ 1;
    assert.equal(typeof parseFileHeader(header), 'string');
  });

  it('a group round-trips with its frames as absolute byte images', () => {
    const buf = Buffer.concat([Buffer.alloc(10), sampleGroup()]);
    const parsed = parseGroup(buf, 10);
    assert.equal(parsed.kind, 'ok');
    if (parsed.kind !== 'ok') return;
    const { group } = parsed;
    assert.deepEqual([group.seq, group.size, group.minSize, group.commits, group.end], [42, 12288, 4096, 7, buf.length]);
    assert.deepEqual(
      group.frames.map((f) => [f.offset, f.bytes.length, f.bytes[0], f.bytes[8191]]),
      [
        [0, 4096, 1, undefined],
        [8192, 8192, 2, 3],
      ],
    );
  });

  it('a group cut short or with a flipped bit reads as torn', () => {
    const group = sampleGroup();
    for (const cut of [10, 47, 48, 5000, group.length - 1]) {
      assert.equal(parseGroup(group.subarray(0, cut), 0).kind, 'torn', `cut at ${cut}`);
    }
    const flipped = Buffer.from(group);
    flipped[6000] = flipped[6000]! ^ 0x10;
    assert.equal(parseGroup(flipped, 0).kind, 'torn');
    assert.equal(parseGroup(Buffer.alloc(200), 0).kind, 'torn');
  });
});
