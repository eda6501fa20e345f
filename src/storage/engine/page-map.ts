/**
 * The latest captured bytes of a file, kept per block. The map copies what it is given
 * into slabs it owns and overwrites a block in place when the same page is written again:
 * no allocation per write, and one small view per distinct page instead of an ArrayBuffer
 * per write. (An ArrayBuffer per 4 KiB write kept V8's old generation churning through
 * major collections during long delete passes; see notes i14m.) A map handed to a
 * journal flush or a background checkpoint is never written again, so its views stay valid.
 */

/** SQLite writes whole pages; every page size is a multiple of 512 and aligned to itself. */
export const MIN_GRANULE = 512;
const DEFAULT_GRANULE = 4096;
/** Slabs start small (a flush's delta is often one page) and grow to this. */
const MIN_SLAB = 64 * 1024;
const MAX_SLAB = 1024 * 1024;

/** A contiguous byte range of the file, as a list of chunks laid end to end. */
export interface Run {
  offset: number;
  length: number;
  chunks: Uint8Array[];
}

export class PageMap {
  private blocks = new Map<number, Uint8Array>();
  private granule = DEFAULT_GRANULE;
  private heldBytes = 0;
  private slabs: Uint8Array[] = [];
  /** Index of the slab being filled, and how much of it is used. */
  private slab = -1;
  private slabUsed = 0;

  /** Number of bytes held (the memory this map pins). */
  get bytes(): number {
    return this.heldBytes;
  }

  get isEmpty(): boolean {
    return this.blocks.size === 0;
  }

  /**
   * Records a copy of `data` at `offset` (the caller may reuse `data` afterwards).
   * Returns false when the write is not 512-aligned, which SQLite never does: the
   * caller must then treat capture as broken instead of guessing.
   */
  put(offset: number, data: Uint8Array): boolean {
    if (data.length === 0) return true;
    if (offset % this.granule !== 0 || data.length % this.granule !== 0) {
      if (offset % MIN_GRANULE !== 0 || data.length % MIN_GRANULE !== 0) return false;
      this.regranulate(MIN_GRANULE);
    }
    const g = this.granule;
    const first = offset / g;
    const count = data.length / g;
    for (let i = 0; i < count; i++) {
      const src = count === 1 ? data : data.subarray(i * g, (i + 1) * g);
      const old = this.blocks.get(first + i);
      if (old && old.length === g) {
        old.set(src);
      } else {
        const block = this.alloc(g);
        block.set(src);
        this.setBlock(first + i, block);
      }
    }
    return true;
  }

  /**
   * Empties the map and keeps its slabs for the next puts. Only for a map whose blocks
   * nobody holds any more (a delta already encoded into a journal group).
   */
  reset(): void {
    this.blocks.clear();
    this.heldBytes = 0;
    this.granule = DEFAULT_GRANULE;
    this.slab = this.slabs.length > 0 ? 0 : -1;
    this.slabUsed = 0;
  }

  /** Forgets everything at or beyond `size`, as the file just lost it. */
  truncate(size: number): void {
    const g = this.granule;
    for (const [key, block] of this.blocks) {
      const start = key * g;
      if (start >= size) {
        this.blocks.delete(key);
        this.heldBytes -= block.length;
      } else if (start + block.length > size) {
        this.setBlock(key, block.subarray(0, size - start));
      }
    }
  }

  /** Whether a captured block contains `offset`. */
  has(offset: number): boolean {
    return this.blocks.has(Math.floor(offset / this.granule));
  }

  /** The captured block that starts at `offset` and is `length` bytes long, if there is one. */
  exactBlock(offset: number, length: number): Uint8Array | undefined {
    if (offset % this.granule !== 0) return undefined;
    const bytes = this.blocks.get(offset / this.granule);
    return bytes?.length === length ? bytes : undefined;
  }

  /** The block that contains `offset`, if captured (used by the start-up self-test). */
  blockAt(offset: number): { offset: number; bytes: Uint8Array } | undefined {
    const key = Math.floor(offset / this.granule);
    const bytes = this.blocks.get(key);
    return bytes && { offset: key * this.granule, bytes };
  }

  /**
   * Captured data as sorted, coalesced runs below `limit` (the file size). Runs hold at
   * most `maxChunks` chunks so that one positional write stays reasonably small.
   */
  runs(limit: number, maxChunks = 256): Run[] {
    const g = this.granule;
    const keys = Float64Array.from(this.blocks.keys()).sort();
    const out: Run[] = [];
    let current: Run | undefined;
    for (const key of keys) {
      const start = key * g;
      if (start >= limit) break;
      let block = this.blocks.get(key)!;
      if (start + block.length > limit) block = block.subarray(0, limit - start);
      if (current && current.offset + current.length === start && current.chunks.length < maxChunks) {
        current.chunks.push(block);
        current.length += block.length;
      } else {
        current = { offset: start, length: block.length, chunks: [block] };
        out.push(current);
      }
    }
    return out;
  }

  /** `len` bytes of slab space (len is a granule: it always divides a slab). */
  private alloc(len: number): Uint8Array {
    let slab = this.slabs[this.slab];
    if (!slab || this.slabUsed + len > slab.length) {
      this.slab++;
      this.slabUsed = 0;
      slab = this.slabs[this.slab];
      if (!slab) {
        const size = Math.min(MAX_SLAB, Math.max(MIN_SLAB, this.heldBytes));
        slab = new Uint8Array(Math.max(size, len));
        this.slabs.push(slab);
      }
    }
    const block = slab.subarray(this.slabUsed, this.slabUsed + len);
    this.slabUsed += len;
    return block;
  }

  private setBlock(key: number, block: Uint8Array): void {
    const old = this.blocks.get(key);
    if (old) this.heldBytes -= old.length;
    this.blocks.set(key, block);
    this.heldBytes += block.length;
  }

  private regranulate(granule: number): void {
    const old = this.blocks;
    const ratio = this.granule / granule;
    this.blocks = new Map();
    this.heldBytes = 0;
    this.granule = granule;
    for (const [key, block] of old) {
      for (let i = 0; i < ratio && i * granule < block.length; i++) {
        this.setBlock(key * ratio + i, block.subarray(i * granule, Math.min((i + 1) * granule, block.length)));
      }
    }
  }
}
