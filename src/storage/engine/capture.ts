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
        this.positionByFd.set(fd, Number(new DataView(this.mem().buffer).getBigInt64(out, true)));
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
    // The view is recreated on every call: the buffer is replaced when memory grows.
    const heap = new Uint8Array(this.mem().buffer);
    const view = new DataView(heap.buffer);
    let remaining = view.getUint32(out, true);
    const position = this.positionByFd.get(fd) ?? 0;
    const copy = new Uint8Array(remaining);
    let filled = 0;
    for (let i = 0; i < count && remaining > 0; i++) {
      const ptr = view.getUint32(iovs + i * 8, true);
      const len = Math.min(view.getUint32(iovs + i * 8 + 4, true), remaining);
      copy.set(heap.subarray(ptr, ptr + len), filled);
      filled += len;
      remaining -= len;
    }
    this.positionByFd.set(fd, position + filled);
    tracker.onWrite(position, copy);
  }

  private readString(ptr: number): string {
    const heap = new Uint8Array(this.mem().buffer);
    let end = ptr;
    while (heap[end] !== 0 && end < heap.length) end++;
    return Buffer.from(heap.buffer, ptr, end - ptr).toString('utf8');
  }

  private mem(): WebAssembly.Memory {
    if (!this.memory) throw new Error('WASM memory is not known yet');
    return this.memory;
  }
}
