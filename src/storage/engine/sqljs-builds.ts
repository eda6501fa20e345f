/**
 * Which sql.js build the engine runs, and where its file-system imports are.
 *
 * CaptureHub must replace the imports through which SQLite reaches the database file. The
 * debug build keeps their standard names (fd_write, __syscall_openat, ...); the release
 * build minifies them ("a.q") but runs SQL about 1.5 times faster (measured: 317 against 486
 * µs of SQL per report). So the release build is used when it is byte for byte one whose
 * import table we have read — the hashes below, the names beside them — and the debug build
 * otherwise (another sql.js version in node_modules: everything still works, only slower).
 *
 * To add a version: in its dist/sql-wasm.js find the object literal of imports (its keys
 * are the minified names, its values the inlined Emscripten syscalls), match each name
 * below by what the function does, record both hashes; test/storage/sqljs-build.test.ts
 * then proves the table against the real files.
 */
import { createHash } from 'node:crypto';

/** The imports CaptureHub replaces, by what they do. */
export const CAPTURED = ['openat', 'ftruncate', 'fstat', 'stat', 'lstat', 'mmap', 'seek', 'read', 'write', 'close'] as const;
export type Captured = (typeof CAPTURED)[number];

export interface ImportName {
  module: string;
  name: string;
  /** Number of parameters of the JavaScript function (checked before use). */
  arity: number;
}
export type ImportNames = Record<Captured, ImportName>;

const ARITY: Record<Captured, number> = { openat: 4, ftruncate: 2, fstat: 2, stat: 2, lstat: 2, mmap: 7, seek: 4, read: 4, write: 4, close: 1 };

function table(names: Record<Captured, [string, string]>): ImportNames {
  const out = {} as ImportNames;
  for (const key of CAPTURED) out[key] = { module: names[key][0], name: names[key][1], arity: ARITY[key] };
  return out;
}

/** The debug build's standard names (any sql.js version). */
export const DEBUG_NAMES = table({
  openat: ['env', '__syscall_openat'],
  ftruncate: ['env', '__syscall_ftruncate64'],
  fstat: ['env', '__syscall_fstat64'],
  stat: ['env', '__syscall_stat64'],
  lstat: ['env', '__syscall_lstat64'],
  mmap: ['env', '_mmap_js'],
  seek: ['wasi_snapshot_preview1', 'fd_seek'],
  read: ['wasi_snapshot_preview1', 'fd_read'],
  write: ['wasi_snapshot_preview1', 'fd_write'],
  close: ['wasi_snapshot_preview1', 'fd_close'],
});

export interface KnownRelease {
  version: string;
  /** sha256 of dist/sql-wasm.js and of dist/sql-wasm.wasm. */
  js: string;
  wasm: string;
  names: ImportNames;
}

export const KNOWN_RELEASES: readonly KnownRelease[] = [
  {
    version: '1.16.0',
    js: '9b96118841c6edfdf53c6f388c1419d1f473cf469df6a6fc2864b386d60bdb5e',
    wasm: '43bbcdd44287e5a2db3b6b5af34b1a3485a7a441285d247976c1ebe3c61f8dbf',
    // Read from the import object of sql-wasm.js 1.16.0: x — openat (FS.open(...).fd),
    // J — ftruncate, g — fstat (the stream's getattr), N — stat, M — lstat (follow = false),
    // y — mmap (7 parameters), E — fd_seek, t — fd_read (the iovec loop), q — fd_write,
    // e — fd_close. No import of that build reads or writes at a position (pread/pwrite).
    names: table({
      openat: ['a', 'x'],
      ftruncate: ['a', 'J'],
      fstat: ['a', 'g'],
      stat: ['a', 'N'],
      lstat: ['a', 'M'],
      mmap: ['a', 'y'],
      seek: ['a', 'E'],
      read: ['a', 't'],
      write: ['a', 'q'],
      close: ['a', 'e'],
    }),
  },
];

/** The known release whose files these are, if any. */
export function knownRelease(js: Uint8Array, wasm: Uint8Array): KnownRelease | undefined {
  const jsHash = sha256(js);
  const wasmHash = sha256(wasm);
  return KNOWN_RELEASES.find((r) => r.js === jsHash && r.wasm === wasmHash);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
