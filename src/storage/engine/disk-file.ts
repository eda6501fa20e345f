/**
 * The database file as SQLite sees it: pult.sqlite on disk, with the pages written since
 * they were last made durable there laid over it in memory.
 *
 * Before, the whole file lived in our memory (a 390 MB database was 390 MB of RSS, for
 * ever). Now a read that no layer answers is a positional read of pult.sqlite — served by
 * the kernel's page cache, which the kernel can give back — and memory holds only what
 * the journal holds: the pages of the current generation (the top layer) and of the
 * generation a checkpoint is writing in place (until that write is durable).
 *
 * Reads never race the checkpoint: it writes only pages that a layer still covers, and a
 * truncation it makes first (to the smallest size of its generation) is covered by that
 * layer's `minSize`, below which nothing older than the layer is consulted.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { RetiredPages } from './checkpoint';
import { PageMap, MIN_GRANULE } from './page-map';
import { DIFF_BLOCK } from './page-diff';

/** One generation's pages, and the smallest size the file had while they were written. */
export interface Layer {
  pages: PageMap;
  minSize: number;
}

export class DiskFile {
  private length: number;
  /** Oldest first; the last one takes the writes. */
  private layers: Layer[];
  private fd: number | undefined;

  /** Opens (creating it if missing) the database file for reading. */
  static open(file: string): { file: DiskFile; created: boolean } {
    let created = false;
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fd = openSync(file, constants.O_RDONLY | constants.O_CREAT, 0o644);
      created = true;
    }
    return { file: new DiskFile(fd, fstatSync(fd).size), created };
  }

  private constructor(fd: number, size: number) {
    this.fd = fd;
    this.length = size;
    this.layers = [{ pages: new PageMap(), minSize: size }];
  }

  get size(): number {
    return this.length;
  }

  /** Bytes of pages held in memory (every layer not yet durable in the file). */
  get heldBytes(): number {
    let n = 0;
    for (const layer of this.layers) n += layer.pages.bytes;
    return n;
  }

  /** Copies up to `len` bytes at `pos` into `dst` at `dstOff`; returns how many (short at EOF). */
  read(pos: number, dst: Uint8Array, dstOff: number, len: number): number {
    const n = Math.max(0, Math.min(len, this.length - pos));
    const end = pos + n;
    let at = pos;
    while (at < end) {
      const served = this.fromLayers(at, end, dst, dstOff + (at - pos));
      if (served > 0) {
        at += served;
        continue;
      }
      // Nothing in memory covers `at`: read from disk up to the next byte a layer covers.
      let stop = nextGranule(at, end);
      while (stop < end && !this.covers(stop)) stop = nextGranule(stop, end);
      this.fromDisk(at, stop - at, dst, dstOff + (at - pos));
      at = stop;
    }
    return n;
  }

  /** The whole 4 KiB page at `offset` as this generation (the top layer) last wrote it, if it did. */
  generationBlock(offset: number): Uint8Array | undefined {
    return this.top.pages.exactBlock(offset, DIFF_BLOCK);
  }

  /** Records a write in the top layer; false if it is not 512-aligned (SQLite never does that). */
  write(pos: number, src: Uint8Array): boolean {
    if (!this.top.pages.put(pos, src)) return false;
    if (pos + src.length > this.length) this.length = pos + src.length;
    return true;
  }

  truncate(size: number): void {
    const top = this.top;
    top.pages.truncate(size);
    if (size < top.minSize) top.minSize = size;
    this.length = size;
  }

  /**
   * Freezes the top layer for a checkpoint (later writes go to a fresh one): the plan that
   * writes its pages in place, and `settle`, which drops the layer once that is durable.
   */
  retire(): RetiredPages {
    const layer = this.top;
    this.layers.push({ pages: new PageMap(), minSize: this.length });
    return {
      plan: { runs: layer.pages.runs(this.length), minSize: layer.minSize, size: this.length },
      settle: () => this.drop(layer),
    };
  }

  private drop(layer: Layer): void {
    const i = this.layers.indexOf(layer);
    if (i >= 0 && i < this.layers.length - 1) this.layers.splice(i, 1);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private get top(): Layer {
    return this.layers[this.layers.length - 1]!;
  }

  /** Serves bytes from `at` out of the newest layer that knows them; 0 if the disk must. */
  private fromLayers(at: number, end: number, dst: Uint8Array, dstOff: number): number {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      const block = layer.pages.blockAt(at);
      const inBlock = block ? at - block.offset : -1;
      if (block && inBlock < block.bytes.length) {
        // An older layer answers only up to the next 512 bytes: a newer one may hold a
        // smaller block, or a cut, further into this one.
        const blockEnd = i === this.layers.length - 1 ? block.offset + block.bytes.length : Math.min(block.offset + block.bytes.length, nextGranule(at, end));
        const take = Math.min(end, blockEnd) - at;
        dst.set(block.bytes.subarray(inBlock, inBlock + take), dstOff);
        return take;
      }
      if (at >= layer.minSize) {
        // Cut off while this layer was written and not written again: zeros, whatever is older.
        const take = nextGranule(at, end) - at;
        dst.fill(0, dstOff, dstOff + take);
        return take;
      }
    }
    return 0;
  }

  private covers(at: number): boolean {
    for (const layer of this.layers) {
      if (at >= layer.minSize) return true;
      const block = layer.pages.blockAt(at);
      if (block && at - block.offset < block.bytes.length) return true;
    }
    return false;
  }

  private fromDisk(at: number, len: number, dst: Uint8Array, dstOff: number): void {
    if (this.fd === undefined) throw new Error('database file is closed');
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, dst, dstOff + done, len - done, at + done);
      if (n === 0) break;
      done += n;
    }
    // Past the end of pult.sqlite: the file grew since its last checkpoint, with a gap.
    if (done < len) dst.fill(0, dstOff + done, dstOff + len);
  }
}

function nextGranule(at: number, end: number): number {
  return Math.min(end, (Math.floor(at / MIN_GRANULE) + 1) * MIN_GRANULE);
}
