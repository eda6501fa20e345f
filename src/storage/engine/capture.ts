/**
 * Page capture: wraps the file-system imports of the sql.js WASM module so that every
 * byte SQLite writes to a claimed database file is copied out as it is written.
 * One hub serves the whole process (sql.js instantiates its module once).
 */
import { PageMap } from './page-map';

type Fn = (...args: never[]) => unknown;
type ImportTable = Record<string, Fn | WebAssembly.ImportValue>;
export type WasmImports = Record<string, ImportTable>;

/** What a flush or a checkpoint takes from a tracker. */
export interface FileDelta {
  pages: PageMap;
  /** Smallest file size seen since the previous take (replay truncates to it first). */
  minSize: number;
  /** File size now. */
  size: number;
}

/** Capture state of one database file. */
export class FileTracker {
  size: number;
  /** Increments on every captured write or truncation. */
  serial = 0;
  /** Set instead of throwing: an exception must never unwind through SQLite's C frames. */
  broken: Error | null = null;
  private pending = new PageMap();
  private pendingMin: number;
  private generation = new PageMap();
  private generationMin: number;

  constructor(
    readonly path: string,
    size: number,
  ) {
    this.size = size;
    this.pendingMin = size;
    this.generationMin = size;
  }

  /** Bytes captured since the last `takeDelta`. */
  get pendingBytes(): number {
    return this.pending.bytes;
  }

  /** Bytes held for the current journal generation (memory pinned until checkpoint). */
  get generationBytes(): number {
    return this.generation.bytes;
  }

  pendingBlockAt(offset: number): { offset: number; bytes: Uint8Array } | undefined {
    return this.pending.blockAt(offset);
  }

  onWrite(offset: number, data: Uint8Array): void {
    this.serial++;
    if (!this.pending.put(offset, data) || !this.generation.put(offset, data)) {
      this.broken ??= new Error(`невыровненная запись ${data.length} байт по смещению ${offset}`);
    }
    if (offset + data.length > this.size) this.size = offset + data.length;
  }

  onTruncate(size: number): void {
    this.serial++;
    this.size = size;
    this.pending.truncate(size);
    this.generation.truncate(size);
    if (size < this.pendingMin) this.pendingMin = size;
    if (size < this.generationMin) this.generationMin = size;
  }

  /** Everything written since the previous call: the content of the next frame group. */
  takeDelta(): FileDelta {
    const delta = { pages: this.pending, minSize: this.pendingMin, size: this.size };
    this.pending = new PageMap();
    this.pendingMin = this.size;
    return delta;
  }

  /** Everything written since the previous call: what a checkpoint writes in place. */
  takeGeneration(): FileDelta {
    const delta = { pages: this.generation, minSize: this.generationMin, size: this.size };
    this.generation = new PageMap();
    this.generationMin = this.size;
    return delta;
  }
}

export class CaptureHub {
  private memory: WebAssembly.Memory | undefined;
  private pathByFd = new Map<number, string>();
  private trackerByFd = new Map<number, FileTracker>();
  private positionByFd = new Map<number, number>();
  private trackerByPath = new Map<string, FileTracker>();
  private cachedViews: { u8: Uint8Array; u32: Uint32Array } | undefined;

  /** The import names this hub needs, checked before instantiation. */
  static readonly required = {
    env: ['__syscall_openat', '__syscall_ftruncate64'],
    wasi_snapshot_preview1: ['fd_seek', 'fd_write', 'fd_close'],
  } as const;

  setMemory(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  /** Starts capturing the file at `path` (already opened by SQLite), whose size is `size`. */
  claim(path: string, size: number): FileTracker {
    if (this.trackerByPath.has(path)) throw new Error(`file ${path} is already claimed`);
    const tracker = new FileTracker(path, size);
    this.trackerByPath.set(path, tracker);
    for (const [fd, p] of this.pathByFd) if (p === path) this.trackerByFd.set(fd, tracker);
    return tracker;
  }

  release(tracker: FileTracker): void {
    this.trackerByPath.delete(tracker.path);
    for (const [fd, t] of this.trackerByFd) if (t === tracker) this.trackerByFd.delete(fd);
  }

  /** Returns a copy of `imports` with the file-system calls wrapped. */
  wrap(imports: WasmImports): WasmImports {
    const env = { ...imports.env };
    const wasi = { ...imports.wasi_snapshot_preview1 };
    const openat = env.__syscall_openat as (dirfd: number, path: number, flags: number, va: number) => number;
    const ftruncate = env.__syscall_ftruncate64 as (fd: number, length: bigint) => number;
    const seek = wasi.fd_seek as (fd: number, offset: bigint, whence: number, out: number) => number;
    const write = wasi.fd_write as (fd: number, iovs: number, count: number, out: number) => number;
    const close = wasi.fd_close as (fd: number) => number;

    env.__syscall_openat = (dirfd: number, pathPtr: number, flags: number, va: number): number => {
      const fd = openat(dirfd, pathPtr, flags, va);
      if (fd >= 0) {
        const path = this.readString(pathPtr);
        this.pathByFd.set(fd, path);
        const tracker = this.trackerByPath.get(path);
        if (tracker) this.trackerByFd.set(fd, tracker);
      }
      return fd;
    };
    env.__syscall_ftruncate64 = (fd: number, length: bigint): number => {
      const rc = ftruncate(fd, length);
      if (rc === 0) this.trackerByFd.get(fd)?.onTruncate(Number(length));
      return rc;
    };
    wasi.fd_seek = (fd: number, offset: bigint, whence: number, out: number): number => {
      const rc = seek(fd, offset, whence, out);
      if (rc === 0 && this.trackerByFd.has(fd)) {
        const { u32 } = this.views();
        // The new position is an i64; file offsets stay far below 2^53.
        this.positionByFd.set(fd, u32[out >>> 2]! + u32[(out >>> 2) + 1]! * 2 ** 32);
      }
      return rc;
    };
    wasi.fd_write = (fd: number, iovs: number, count: number, out: number): number => {
      const rc = write(fd, iovs, count, out);
      const tracker = this.trackerByFd.get(fd);
      if (rc === 0 && tracker) this.captureWrite(fd, tracker, iovs, count, out);
      return rc;
    };
    wasi.fd_close = (fd: number): number => {
      this.pathByFd.delete(fd);
      this.trackerByFd.delete(fd);
      this.positionByFd.delete(fd);
      return close(fd);
    };
    return { ...imports, env, wasi_snapshot_preview1: wasi };
  }

  private captureWrite(fd: number, tracker: FileTracker, iovs: number, count: number, out: number): void {
    const { u8, u32 } = this.views();
    let remaining = u32[out >>> 2]!;
    const position = this.positionByFd.get(fd) ?? 0;
    let copy: Uint8Array;
    if (count === 1) {
      // SQLite writes one page per call: a single slice is the whole copy.
      const ptr = u32[iovs >>> 2]!;
      copy = u8.slice(ptr, ptr + remaining);
    } else {
      copy = new Uint8Array(remaining);
      let filled = 0;
      for (let i = 0; i < count && remaining > 0; i++) {
        const ptr = u32[(iovs >>> 2) + i * 2]!;
        const len = Math.min(u32[(iovs >>> 2) + i * 2 + 1]!, remaining);
        copy.set(u8.subarray(ptr, ptr + len), filled);
        filled += len;
        remaining -= len;
      }
    }
    this.positionByFd.set(fd, position + copy.length);
    tracker.onWrite(position, copy);
  }

  /** Views of WASM memory, rebuilt only when growth has replaced its buffer. */
  private views(): { u8: Uint8Array; u32: Uint32Array } {
    const buffer = this.mem().buffer;
    if (this.cachedViews?.u8.buffer !== buffer) {
      this.cachedViews = { u8: new Uint8Array(buffer), u32: new Uint32Array(buffer) };
    }
    return this.cachedViews;
  }

  private readString(ptr: number): string {
    const heap = this.views().u8;
    let end = ptr;
    while (heap[end] !== 0 && end < heap.length) end++;
    return Buffer.from(heap.buffer, ptr, end - ptr).toString('utf8');
  }

  private mem(): WebAssembly.Memory {
    if (!this.memory) throw new Error('WASM memory is not known yet');
    return this.memory;
  }
}
