// Starting one plugin process, with the monitor's initialisation steps in order: unpack a
// production file (file-format.ts), read package.json, check required licenses, create
// StoragePath and LogsPath, pick a fresh socket, set the globals (the bootstrap does) and fork.
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { licenseProblem } from '../api/licenses';
import type { SimConfig } from '../config';
import { PluginRefusedError } from '../errors';
import type { SimLog } from '../log';
import { BOOT_ENV, type ApiMethod, type BootInfo } from '../shared/protocol';
import type { PluginSource } from './discover';
import { openPluginFile } from './file-format';
import { readPluginPackage, type PluginPackage } from './manifest';
import { removeStaleSocket, socketPathFor } from './socket';

export interface StartDeps {
  config: SimConfig;
  runDir: string;
  bootstrapPath: string;
  methods: ApiMethod[];
  log: SimLog;
}

export interface StartedPlugin {
  child: ChildProcess;
  pkg: PluginPackage;
  socketPath: string;
  storagePath: string;
  logsPath?: string;
}

/** Runs the initialisation steps and forks; throws PluginRefusedError when the plugin may not start. */
export async function startPlugin(source: PluginSource, generation: number, deps: StartDeps): Promise<StartedPlugin> {
  const { config, log } = deps;
  const dir = source.kind === 'folder' ? path.resolve(source.path) : await openPluginFile(source.path, deps.runDir, source.route);
  const pkg = await readPluginPackage(dir);

  const now = Date.now();
  const problems = pkg.licenses.map((l) => ({ id: l.id, problem: licenseProblem(config, l.id, l.ver, now) }));
  const missing = problems.filter((p) => p.problem !== null);
  if (missing.length > 0) {
    throw new PluginRefusedError(
      `не хватает лицензий: ${missing.map((m) => m.problem).join('; ')}`,
      missing.map((m) => m.id),
    );
  }

  const storagePath = path.join(config.storageDir, source.route);
  await mkdir(storagePath, { recursive: true });
  const logsPath = config.logsDir === null ? undefined : path.join(config.logsDir, source.route);
  if (logsPath) await mkdir(logsPath, { recursive: true });

  const socketPath = socketPathFor(deps.runDir, source.route, generation);
  await removeStaleSocket(socketPath);

  const spec = pkg.manifest.process;
  if (spec?.cmd) log.plugin(source.route, `process.cmd «${spec.cmd}» не используется: плагин запускается node симулятора (${process.execPath})`);
  const boot: BootInfo = {
    Name: source.route,
    Route: source.route,
    // A production plugin's Path is its file (the monitor's view); it runs from the unpacked copy.
    Path: source.kind === 'folder' ? dir : path.resolve(source.path),
    StoragePath: storagePath,
    ...(logsPath ? { LogsPath: logsPath } : {}),
    SocketPath: socketPath,
    Info: pkg.info,
    main: pkg.main,
    methods: deps.methods,
    legacyJsonResults: config.legacyJsonResults,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  };
  const { stdio, fds } = openStdio(source.route, pkg, logsPath, log);
  let child: ChildProcess;
  try {
    child = fork(deps.bootstrapPath, [], {
      cwd: dir,
      // Only the plugin's own node options: never the simulator's (tsx loader and the like).
      execArgv: spec?.args ?? [],
      env: { ...process.env, [BOOT_ENV]: JSON.stringify(boot) },
      stdio,
      // Own process group: a Ctrl+C in the terminal reaches the simulator only, which then
      // stops every plugin through onShutdown.
      detached: process.platform !== 'win32',
      serialization: 'json',
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  if (child.stdout) pipeToLog(child.stdout, (line) => log.plugin(source.route, `> ${line}`));
  if (child.stderr) pipeToLog(child.stderr, (line) => log.plugin(source.route, `! ${line}`));
  return { child, pkg, socketPath, storagePath, ...(logsPath ? { logsPath } : {}) };
}

/** stdin/stdout/stderr from package.json "process", relative to LogsPath; else piped to the log. */
function openStdio(route: string, pkg: PluginPackage, logsPath: string | undefined, log: SimLog) {
  const spec = pkg.manifest.process;
  const fds: number[] = [];
  const stream = (name: 'stdin' | 'stdout' | 'stderr'): 'pipe' | 'ignore' | number => {
    const file = spec?.[name];
    const fallback = name === 'stdin' ? 'ignore' : 'pipe';
    if (!file) return fallback;
    if (!logsPath) {
      log.plugin(route, `process.${name} «${file}» не используется: у плагина нет LogsPath (logsDir = null)`);
      return fallback;
    }
    const full = path.resolve(logsPath, file);
    if (name === 'stdin' && !existsSync(full)) {
      log.plugin(route, `process.stdin: нет файла ${full}`);
      return fallback;
    }
    const fd = openSync(full, name === 'stdin' ? 'r' : 'a');
    fds.push(fd);
    return fd;
  };
  const stdio: StdioOptions = [stream('stdin'), stream('stdout'), stream('stderr'), 'ipc'];
  return { stdio, fds };
}

function pipeToLog(stream: Readable, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', write);
}
