/**
 * Loads sql.js with page capture installed: the release build when its files are one we
 * know (sqljs-builds.ts), the debug build otherwise. sql.js instantiates its module once
 * per module instance, so the release build's JavaScript is evaluated here as a private
 * copy: a plain `require('sql.js')` elsewhere in the process (an admin script, a test
 * reading pult.sqlite) gets its own, uncaptured instance. One engine serves the process.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { CaptureHub, type WasmImports } from './capture';
import { StorageCaptureError } from './errors';
import { DEBUG_NAMES, knownRelease, type ImportNames } from './sqljs-builds';

export interface SqlEngine {
  SQL: SqlJsStatic;
  hub: CaptureHub;
  /** Which build runs, for the status page: "release 1.16.0" or "debug". */
  build: string;
}

type InitSqlJs = (config: {
  instantiateWasm: (imports: WasmImports, receive: (instance: WebAssembly.Instance) => void) => object;
}) => Promise<SqlJsStatic>;

interface Build {
  init: InitSqlJs;
  wasm: Buffer<ArrayBuffer>;
  names: ImportNames;
  label: string;
  debug: boolean;
}

/** File access through any of these would bypass CaptureHub (checked where names are standard). */
const FORBIDDEN_IMPORTS = /pwrite|pread|writev|readv|copy_file_range|fallocate|sendfile/;

let loading: Promise<SqlEngine> | undefined;

/**
 * Returns the process-wide sql.js instance with capture hooks. `dir` holds sql-wasm.js and
 * sql-wasm.wasm when they are not in node_modules (the production file ships them beside
 * the bundle). PULT_SQLJS_BUILD=debug forces the debug build (diagnosis, its own test).
 */
export function loadSqlEngine(dir?: string): Promise<SqlEngine> {
  loading ??= chooseBuild(dir).then(load);
  return loading;
}

/** The release build if its files are known, else the debug build from node_modules. */
export async function chooseBuild(dir?: string): Promise<Build> {
  if (process.env.PULT_SQLJS_BUILD !== 'debug') {
    const base = dir ?? path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
    const [js, wasm] = await Promise.all([readFile(path.join(base, 'sql-wasm.js')), readFile(path.join(base, 'sql-wasm.wasm'))]).catch(() => []);
    const known = js && wasm ? knownRelease(js, wasm) : undefined;
    if (js && wasm && known) {
      return { init: privateInstance(js.toString('utf8'), path.join(base, 'sql-wasm.js')), wasm, names: known.names, label: `release ${known.version}`, debug: false };
    }
  }
  let init: InitSqlJs;
  let wasm: Buffer<ArrayBuffer>;
  try {
    init = require('sql.js/dist/sql-wasm-debug.js') as InitSqlJs;
    wasm = await readFile(require.resolve('sql.js/dist/sql-wasm-debug.wasm'));
  } catch (err) {
    throw new StorageCaptureError(`нет известной движку сборки sql.js (sql-wasm.js и sql-wasm.wasm${dir ? ` в ${dir}` : ''}) и нет отладочной сборки`, { cause: err });
  }
  return { init, wasm, names: DEBUG_NAMES, label: 'debug', debug: true };
}

/** Evaluates sql.js's CommonJS file as a module of its own (its own one-time init). */
function privateInstance(source: string, file: string): InitSqlJs {
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the file's bytes are checked against a known hash first
  const evaluate = new Function('module', 'exports', 'require', '__filename', '__dirname', source) as (...args: unknown[]) => void;
  evaluate(module, module.exports, require, file, path.dirname(file));
  if (typeof module.exports !== 'function') throw new StorageCaptureError('sql-wasm.js не экспортирует функцию инициализации');
  return module.exports as InitSqlJs;
}

async function load(build: Build): Promise<SqlEngine> {
  const hub = new CaptureHub();
  const module = await WebAssembly.compile(build.wasm);
  if (build.debug) checkImports(module, build.names);

  let fail!: (err: unknown) => void;
  // sql.js never settles its promise if instantiation fails; this one does.
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const SQL = await Promise.race([
    build.init({
      instantiateWasm(imports, receive) {
        let wrapped: WasmImports;
        try {
          wrapped = hub.wrap(imports, build.names);
        } catch (err) {
          fail(err);
          return {};
        }
        WebAssembly.instantiate(module, (build.debug ? quietHeapResize(wrapped) : wrapped) as WebAssembly.Imports).then((instance) => {
          const memory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
          if (!(memory instanceof WebAssembly.Memory)) throw new StorageCaptureError('модуль не экспортирует memory');
          hub.setMemory(memory);
          receive(instance);
        }, fail);
        return {};
      },
    }),
    failed,
  ]);
  return { SQL, hub, build: build.label };
}

/**
 * The debug build reports every WASM memory growth with console.warn ("Heap resize
 * call from …"); that is noise in the host's log. The growth is synchronous, so muting
 * console.warn for exactly that call hides nothing else.
 */
function quietHeapResize(imports: WasmImports): WasmImports {
  const resize = imports.env?.emscripten_resize_heap;
  if (typeof resize !== 'function') return imports;
  const quiet = (size: number): unknown => {
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      return (resize as (size: number) => unknown)(size);
    } finally {
      console.warn = warn;
    }
  };
  return { ...imports, env: { ...imports.env, emscripten_resize_heap: quiet } };
}

function checkImports(module: WebAssembly.Module, names: ImportNames): void {
  const imports = WebAssembly.Module.imports(module);
  for (const { module: ns, name } of Object.values(names)) {
    if (!imports.some((i) => i.module === ns && i.name === name)) {
      throw new StorageCaptureError(`модуль sql.js не импортирует ${ns}.${name}`);
    }
  }
  const bypass = imports.find((i) => FORBIDDEN_IMPORTS.test(i.name));
  if (bypass) throw new StorageCaptureError(`модуль sql.js пишет в файлы через ${bypass.module}.${bypass.name}`);
}
