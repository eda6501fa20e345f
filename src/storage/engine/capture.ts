/**
 * Page capture. Wraps the file-system imports of the sql.js WASM module so that the main
 * database file is served from a DiskFile we own (pult.sqlite with the pages not yet
 * checkpointed laid over it), and every byte SQLite writes to it is also copied into the
 * map the journal takes from. Other files (temp
 * files, /dev/urandom) stay with Emscripten's MEMFS. One hub serves the whole process
 * (sql.js instantiates its module once).
 */
import type { RetiredPages } from './checkpoint';
import type { DiskFile } from './disk-file';
import { StorageCaptureError } from './errors';
import { PageMap } from './page-map';
import { DIFF_BLOCK } from './page-diff';
import type { Captured, ImportNames } from './sqljs-builds';

type Fn = (...args: never[]) => unknown;
type ImportTable = Record<string, Fn | WebAssembly.ImportValue>;
export type WasmImports = Record<string, ImportTable>;

/** What a flush or a checkpoint takes from a tracker. */
export interface FileDelta {
  pages: PageMap;
  /** Of some of `pages`, their content before (page-diff.ts): those are journaled as changed ranges. */
  bases: PageMap;
  /** Smallest file size seen since the previous take (replay truncates to it first). */
  minSize: number;
  /** File size now. */
  size: number;
}

type MmapJs = (len: number, prot: number, flags: number, fd: number, offset: bigint, allocated: number, addr: number) => number;

const EINVAL = 28;
/** WASI errno for an I/O error (fd_read returns it, SQLite reports SQLITE_IOERR_READ). */
const WASI_EIO = 29;
const ENODEV = 43;
/** The file sql.js's Database opens: "/dbfile_<random>". */
const DB_PATH = /^\/dbfile_\d+$/;

/** One database file: its bytes, and what was written since the last takes. */
export class FileTracker {
  /** Set when SQLite opens the file. */
  path = '';
  /** Increments on every write or truncation. */
  serial = 0;
  /** Set instead of throwing: an exception must never unwind through SQLite's C frames. */
  broken: Error | null = null;
  /** Reads of the file that failed (each failed one statement), and the last reason. */
  readErrors = 0;
  lastReadError: unknown;
  position = 0;
  private pending = new PageMap();
  /**
   * Of each page in `pending` whose earlier content is known, that content as the previous
   * group left it: the group journals only what differs (page-diff.ts).
   */
  private bases = new PageMap();
  /** An encoded delta's maps, emptied, for the next takeDelta (their slabs are reused). */
  private spare: { pages: PageMap; bases: PageMap } | undefined;
  private pendingMin: number;

  constructor(readonly file: DiskFile) {
    this.pendingMin = file.size;
  }

  get size(): number {
    return this.file.size;
  }

  /** Bytes of pages held in memory until their checkpoint is durable. */
  get generationBytes(): number {
    return this.file.heldBytes;
  }

  pendingBlockAt(offset: number): { offset: number; bytes: Uint8Array } | undefined {
    return this.pending.blockAt(offset);
  }

  write(offset: number, data: Uint8Array): void {
    this.serial++;
    if (offset % DIFF_BLOCK === 0 && data.length % DIFF_BLOCK === 0) this.keepBases(offset, data.length);
    if (!this.file.write(offset, data) || !this.pending.put(offset, data)) {
      this.broken ??= new Error(`невыровненная запись ${data.length} байт по смещению ${offset}`);
    }
  }

  truncate(size: number): void {
    this.serial++;
    this.file.truncate(size);
    this.pending.truncate(size);
    this.bases.truncate(size);
    if (size < this.pendingMin) this.pendingMin = size;
  }

  /** Everything written since the previous call: the content of the next frame group. */
  takeDelta(): FileDelta {
    const delta = { pages: this.pending, bases: this.bases, minSize: this.pendingMin, size: this.size };
    this.pending = this.spare?.pages ?? new PageMap();
    this.bases = this.spare?.bases ?? new PageMap();
    this.spare = undefined;
    this.pendingMin = this.size;
    return delta;
  }

  /** A delta taken by takeDelta() whose bytes are now in the journal: its memory is reused. */
  recycleDelta(delta: FileDelta): void {
    delta.pages.reset();
    delta.bases.reset();
    this.spare = { pages: delta.pages, bases: delta.bases };
  }

  /**
   * Before the first write of a page since the last takeDelta: keeps its content, for the
   * group to journal only what changed — but only of a page this generation has written
   * before. A page's first write in a generation is journaled whole, so that the journals
   * of a generation hold every page its checkpoint overwrites in place, and repair one the
   * power cut tore there, whatever the disk left in it.
   */
  private keepBases(offset: number, length: number): void {
    for (let at = offset; at < offset + length; at += DIFF_BLOCK) {
      if (this.pending.has(at)) continue; // written since the last take: base kept then, or none
      const earlier = this.file.generationBlock(at);
      if (earlier) this.bases.put(at, earlier);
    }
  }

  /**
   * Everything written since the previous call: what a checkpoint writes in place. Its
   * pages keep serving reads until the checkpoint settles them.
   */
  takeGeneration(): RetiredPages {
    return this.file.retire();
  }
}

export class CaptureHub {
  private memory: WebAssembly.Memory | undefined;
  private cachedViews: { u8: Uint8Array; u32: Uint32Array } | undefined;
  private adopting: FileTracker | undefined;
  private byFd = new Map<number, FileTracker>();
  private byPath = new Map<string, FileTracker>();

  setMemory(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  /**
   * Makes the next database file SQLite opens be served from `file`. Call right before
   * `new SQL.Database()`: SQLite opens and reads the file inside that constructor.
   */
  adoptNextOpen(file: DiskFile): FileTracker {
    this.adopting = new FileTracker(file);
    return this.adopting;
  }

  /** Ends adoption; returns the tracker only if SQLite really opened the file. */
  finishAdoption(tracker: FileTracker, expectedPath: string): boolean {
    this.adopting = undefined;
    return tracker.path === expectedPath && this.byPath.get(expectedPath) === tracker;
  }

  release(tracker: FileTracker): void {
    if (this.adopting === tracker) this.adopting = undefined;
    if (this.byPath.get(tracker.path) === tracker) this.byPath.delete(tracker.path);
    for (const [fd, t] of this.byFd) if (t === tracker) this.byFd.delete(fd);
  }

  /**
   * Returns a copy of `imports` with the file-system calls for adopted files replaced;
   * `names` says where each call is in this build's import object.
   */
  wrap(imports: WasmImports, names: ImportNames): WasmImports {
    const out: WasmImports = {};
    for (const [ns, table] of Object.entries(imports)) out[ns] = { ...table };
    const get = <F>(key: Captured): F => {
      const { module, name, arity } = names[key];
      const fn = out[module]?.[name];
      if (typeof fn !== 'function' || fn.length !== arity) {
        throw new StorageCaptureError(`в импорте WASM нет функции ${module}.${name} (${key}) с ${arity} параметрами`);
      }
      return fn as F;
    };
    const set = (key: Captured, fn: Fn): void => {
      out[names[key].module]![names[key].name] = fn;
    };
    const orig = {
      openat: get<(dirfd: number, path: number, flags: number, va: number) => number>('openat'),
      ftruncate: get<(fd: number, length: bigint) => number>('ftruncate'),
      fstat: get<(fd: number, buf: number) => number>('fstat'),
      stat: get<(path: number, buf: number) => number>('stat'),
      lstat: get<(path: number, buf: number) => number>('lstat'),
      mmap: get<MmapJs>('mmap'),
      seek: get<(fd: number, offset: bigint, whence: number, out: number) => number>('seek'),
      read: get<(fd: number, iovs: number, count: number, out: number) => number>('read'),
      write: get<(fd: number, iovs: number, count: number, out: number) => number>('write'),
      close: get<(fd: number) => number>('close'),
    };

    set('openat', (dirfd: number, pathPtr: number, flags: number, va: number): number => {
      const fd = orig.openat(dirfd, pathPtr, flags, va);
      if (fd >= 0 && this.adopting) {
        const path = this.readString(pathPtr);
        if (DB_PATH.test(path)) {
          const t = this.adopting;
          this.adopting = undefined;
          t.path = path;
          this.byPath.set(path, t);
          this.byFd.set(fd, t);
        }
      }
      return fd;
    });
    set('fstat', (fd: number, buf: number): number => {
      const rc = orig.fstat(fd, buf);
      const t = this.byFd.get(fd);
      if (rc === 0 && t) this.patchStatSize(buf, t.size);
      return rc;
    });
    const byPath = (call: (path: number, buf: number) => number) => (pathPtr: number, buf: number): number => {
      const rc = call(pathPtr, buf);
      if (rc === 0 && this.byPath.size > 0) {
        const t = this.byPath.get(this.readString(pathPtr));
        if (t) this.patchStatSize(buf, t.size);
      }
      return rc;
    };
    set('stat', byPath(orig.stat));
    set('lstat', byPath(orig.lstat));
    // Memory-mapping would bypass us; refusing it makes SQLite fall back to reads.
    set('mmap', (len: number, prot: number, flags: number, fd: number, offset: bigint, allocated: number, addr: number): number =>
      this.byFd.has(fd) ? -ENODEV : orig.mmap(len, prot, flags, fd, offset, allocated, addr));
    set('ftruncate', (fd: number, length: bigint): number => {
      const t = this.byFd.get(fd);
      if (!t) return orig.ftruncate(fd, length);
      if (length < 0n) return -EINVAL;
      t.truncate(Number(length));
      return 0;
    });
    set('seek', (fd: number, offset: bigint, whence: number, out: number): number => {
      const t = this.byFd.get(fd);
      if (!t) return orig.seek(fd, offset, whence, out);
      const base = whence === 0 ? 0 : whence === 1 ? t.position : whence === 2 ? t.size : NaN;
      const position = base + Number(offset);
      if (!(position >= 0)) return EINVAL;
      t.position = position;
      const { u32 } = this.views();
      u32[out >>> 2] = position % 2 ** 32;
      u32[(out >>> 2) + 1] = Math.floor(position / 2 ** 32);
      return 0;
    });
    set('read', (fd: number, iovs: number, count: number, out: number): number => {
      const t = this.byFd.get(fd);
      if (!t) return orig.read(fd, iovs, count, out);
      const { u8, u32 } = this.views();
      let total = 0;
      try {
        for (let i = 0; i < count; i++) {
          const ptr = u32[(iovs >>> 2) + i * 2]!;
          const len = u32[(iovs >>> 2) + i * 2 + 1]!;
          const n = t.file.read(t.position + total, u8, ptr, len);
          total += n;
          if (n < len) break;
        }
      } catch (err) {
        // A failed read of pult.sqlite (EIO, a locked file) must not unwind through SQLite's C
        // frames: it would leave a half-read page in its cache for the life of the process.
        // EIO fails that one statement; the next read tries the disk again.
        t.readErrors++;
        t.lastReadError = err;
        return WASI_EIO;
      }
      t.position += total;
      u32[out >>> 2] = total;
      return 0;
    });
    set('write', (fd: number, iovs: number, count: number, out: number): number => {
      const t = this.byFd.get(fd);
      if (!t) return orig.write(fd, iovs, count, out);
      const { u8, u32 } = this.views();
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = u32[(iovs >>> 2) + i * 2]!;
        const len = u32[(iovs >>> 2) + i * 2 + 1]!;
        // A view of WASM memory: the file and the page maps copy what they keep.
        t.write(t.position + total, u8.subarray(ptr, ptr + len));
        total += len;
      }
      t.position += total;
      u32[out >>> 2] = total;
      return 0;
    });
    set('close', (fd: number): number => {
      this.byFd.delete(fd);
      return orig.close(fd);
    });
    return out;
  }

  /** struct stat: st_size is an i64 at offset 24, st_blocks an i32 at 36. */
  private patchStatSize(buf: number, size: number): void {
    const { u32 } = this.views();
    u32[(buf + 24) >>> 2] = size % 2 ** 32;
    u32[(buf + 28) >>> 2] = Math.floor(size / 2 ** 32);
    u32[(buf + 36) >>> 2] = Math.ceil(size / 512);
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
    while (end < heap.length && heap[end] !== 0) end++;
    return Buffer.from(heap.buffer, ptr, end - ptr).toString('utf8');
  }

  private mem(): WebAssembly.Memory {
    if (!this.memory) throw new Error('WASM memory is not known yet');
    return this.memory;
  }
}
