/**
 * Loads sql.js with page capture installed.
 *
 * The debug build is used on purpose: the release build minifies the names of the WASM
 * imports ("a.b"), the debug build keeps the standard ones (fd_write, fd_read, fd_seek,
 * ...), which is what CaptureHub replaces for the database file. sql.js instantiates its module once per process, so this is
 * a process-wide singleton; nothing else in the process may initialise the debug build.
 */
import { readFile } from 'node:fs/promises';
import type { SqlJsStatic } from 'sql.js';
import { CaptureHub, type WasmImports } from './capture';
import { StorageCaptureError } from './errors';

export interface SqlEngine {
  SQL: SqlJsStatic;
  hub: CaptureHub;
}

type InitSqlJs = (config: {
  instantiateWasm: (imports: WasmImports, receive: (instance: WebAssembly.Instance) => void) => object;
}) => Promise<SqlJsStatic>;

/** File access through any of these would bypass CaptureHub. */
const FORBIDDEN_IMPORTS = /pwrite|pread|writev|readv|copy_file_range|fallocate|sendfile/;

let loading: Promise<SqlEngine> | undefined;

/** Returns the process-wide sql.js instance with capture hooks. */
export function loadSqlEngine(wasmPath?: string): Promise<SqlEngine> {
  loading ??= load(wasmPath ?? require.resolve('sql.js/dist/sql-wasm-debug.wasm'));
  return loading;
}

async function load(wasmPath: string): Promise<SqlEngine> {
  const init = require('sql.js/dist/sql-wasm-debug.js') as InitSqlJs;
  const hub = new CaptureHub();
  const wasm = await readFile(wasmPath);
  const module = await WebAssembly.compile(wasm);
  checkImports(module);

  let fail!: (err: unknown) => void;
  // sql.js never settles its promise if instantiation fails; this one does.
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const SQL = await Promise.race([
    init({
      instantiateWasm(imports, receive) {
        for (const [ns, names] of Object.entries(CaptureHub.required)) {
          for (const name of names) {
            if (typeof imports[ns]?.[name] !== 'function') {
              fail(new StorageCaptureError(`в импорте WASM нет функции ${ns}.${name}`));
              return {};
            }
          }
        }
        WebAssembly.instantiate(module, quietHeapResize(hub.wrap(imports)) as WebAssembly.Imports).then((instance) => {
          const memory = instance.exports.memory;
          if (!(memory instanceof WebAssembly.Memory)) throw new StorageCaptureError('модуль не экспортирует memory');
          hub.setMemory(memory);
          receive(instance);
        }, fail);
        return {};
      },
    }),
    failed,
  ]);
  return { SQL, hub };
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

function checkImports(module: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(module);
  for (const [ns, names] of Object.entries(CaptureHub.required)) {
    for (const name of names) {
      if (!imports.some((i) => i.module === ns && i.name === name)) {
        throw new StorageCaptureError(`модуль sql.js не импортирует ${ns}.${name}`);
      }
    }
  }
  const bypass = imports.find((i) => FORBIDDEN_IMPORTS.test(i.name));
  if (bypass) throw new StorageCaptureError(`модуль sql.js пишет в файлы через ${bypass.module}.${bypass.name}`);
}
