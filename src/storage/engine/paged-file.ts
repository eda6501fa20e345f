/**
 * The bytes of the database file, held by us instead of by Emscripten's MEMFS.
 *
 * MEMFS keeps a file in one contiguous array and grows it by 12.5% with a full copy: at
 * 300 MB that is a ~1 s event-loop stall (measured) and, for a moment, twice the memory.
 * Here the file is a list of 64 KiB chunks: growing allocates one chunk, never copies.
 */
const CHUNK_SHIFT = 16;
const CHUNK = 1 << CHUNK_SHIFT;
const MASK = CHUNK - 1;

export class PagedFile {
  private chunks: Uint8Array[] = [];
  private length = 0;

  /** Wraps `image` without copying it; the file owns and mutates that memory from now on. */
  static fromImage(image: Uint8Array): PagedFile {
    const file = new PagedFile();
    for (let at = 0; at < image.length; at += CHUNK) file.chunks.push(image.subarray(at, Math.min(at + CHUNK, image.length)));
    file.length = image.length;
    return file;
  }

  get size(): number {
    return this.length;
  }

  /** Copies up to `len` bytes at `pos` into `dst` at `dstOff`; returns how many (short at EOF). */
  read(pos: number, dst: Uint8Array, dstOff: number, len: number): number {
    const n = Math.max(0, Math.min(len, this.length - pos));
    let done = 0;
    while (done < n) {
      const at = pos + done;
      const chunk = this.chunks[at >>> CHUNK_SHIFT]!;
      const off = at & MASK;
      const take = Math.min(n - done, chunk.length - off);
      dst.set(chunk.subarray(off, off + take), dstOff + done);
      done += take;
    }
    return n;
  }

  /** Writes `src` at `pos`, growing the file (with zeros in any gap) as needed. */
  write(pos: number, src: Uint8Array): void {
    this.ensure(pos + src.length);
    let done = 0;
    while (done < src.length) {
      const at = pos + done;
      const chunk = this.chunks[at >>> CHUNK_SHIFT]!;
      const off = at & MASK;
      const take = Math.min(src.length - done, CHUNK - off);
      chunk.set(src.subarray(done, done + take), off);
      done += take;
    }
    if (pos + src.length > this.length) this.length = pos + src.length;
  }

  truncate(size: number): void {
    if (size >= this.length) {
      this.ensure(size);
      this.length = size;
      return;
    }
    const keep = (size + MASK) >>> CHUNK_SHIFT;
    this.chunks.length = keep;
    // Bytes past the end must read as zeros if the file grows again.
    const last = this.chunks[keep - 1];
    if (last && (size & MASK) !== 0) last.fill(0, size & MASK);
    this.length = size;
  }

  /** Makes chunks exist (zero-filled, full size) up to `size`. */
  private ensure(size: number): void {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.chunks[last]!.length < CHUNK && size > last * CHUNK + this.chunks[last]!.length) {
      // The image's partial last chunk becomes a full one (a copy of < 64 KiB).
      const full = new Uint8Array(CHUNK);
      full.set(this.chunks[last]!);
      this.chunks[last] = full;
    }
    while (this.chunks.length * CHUNK < size) this.chunks.push(new Uint8Array(CHUNK));
  }
}
