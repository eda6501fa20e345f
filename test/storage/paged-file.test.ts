import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PagedFile } from '../../src/storage/engine/paged-file';

function readAll(file: PagedFile): Buffer {
  const out = Buffer.alloc(file.size);
  file.read(0, out, 0, file.size);
  return out;
}

describe('PagedFile', () => {
  it('serves an image without copying it, across chunk boundaries', () => {
    const image = Buffer.alloc(200_000);
    for (let i = 0; i < image.length; i++) image[i] = i % 251;
    const file = PagedFile.fromImage(image);
    const part = Buffer.alloc(10);
    assert.equal(file.read(65_530, part, 0, 10), 10);
    assert.deepEqual(part, image.subarray(65_530, 65_540));
    file.write(0, Buffer.from([9]));
    assert.equal(image[0], 9, 'writes land in the adopted memory');
  });

  it('grows with zeros in a gap and reads short at the end', () => {
    const file = PagedFile.fromImage(Buffer.alloc(1000, 1));
    file.write(140_000, Buffer.alloc(100, 2));
    assert.equal(file.size, 140_100);
    const all = readAll(file);
    assert.equal(all[999], 1);
    assert.equal(all[1000], 0);
    assert.equal(all[139_999], 0);
    assert.equal(all[140_050], 2);
    assert.equal(file.read(140_090, Buffer.alloc(50), 0, 50), 10);
  });

  it('after truncate and regrowth, the cut-off bytes read as zeros', () => {
    const file = PagedFile.fromImage(Buffer.alloc(150_000, 7));
    file.truncate(70_000);
    assert.equal(file.size, 70_000);
    file.truncate(150_000);
    const all = readAll(file);
    assert.equal(all[69_999], 7);
    assert.equal(all[70_000], 0);
    assert.equal(all[149_999], 0);
  });
});
