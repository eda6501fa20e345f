// The simulator as a library: tests and the CLI call startSimulator().
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHostState, offeredMethods, type HostState } from './api/index';
import { Outbox } from './api/mail';
import { buildBootstrap } from './child/build';
import type { SimConfig, SimConfigInput } from './config';
import { loadConfigFile, parseConfig } from './config-load';
import { createFrontServer } from './http/server';
import { SimLog, type LogSink } from './log';
import { discoverPlugins } from './plugins/discover';
import { PluginSupervisor } from './plugins/supervisor';
import { UpdateWatcher } from './plugins/updates';

export { ConfigError } from './errors';
export type { SimConfig, SimConfigInput } from './config';
export type { PluginStatus } from './plugins/supervisor';

export interface StartOptions {
  /** A configuration object, or the path of a JSON configuration file. */
  config: SimConfigInput | string;
  /** Base for relative paths of a configuration object (default: the current folder). */
  configDir?: string;
  /** Top-level keys that replace the configuration's (e.g. port from --port). */
  overrides?: Partial<SimConfigInput>;
  /** Where log lines go (default: console.log). */
  log?: LogSink;
  /** Emitter for the simulator's events; pass one to hear those of the start-up too. */
  events?: EventEmitter;
}

/**
 * A running simulator. `events` emits: plugin-started, plugin-restarted, plugin-exited,
 * plugin-failed, plugin-refused, plugin-stopped, mail, update-found, update-refused,
 * update-applied.
 */
export interface Simulator {
  port: number;
  url: string;
  config: SimConfig;
  plugins: Map<string, PluginSupervisor>;
  outboxDir: string;
  runDir: string;
  events: EventEmitter;
  /** Sessions, seats, outbox… of the simulated server. */
  host: HostState;
  /** Stops every plugin (onShutdown first), then the HTTP server. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server, applies the updates waiting in the plugins folder, then starts every
 * plugin and watches the folder for updates; resolves when each plugin's initialisation has ended.
 */
export async function startSimulator(opts: StartOptions): Promise<Simulator> {
  const config =
    typeof opts.config === 'string'
      ? loadConfigFile(opts.config, opts.overrides)
      : parseConfig({ ...opts.config, ...opts.overrides }, opts.configDir ?? process.cwd());
  const log = new SimLog(opts.log ?? ((line) => console.log(line)));
  const events = opts.events ?? new EventEmitter();

  for (const dir of [config.storageDir, config.outboxDir, config.logsDir]) if (dir) await mkdir(dir, { recursive: true });
  const ownRunDir = config.runDir === null;
  const runDir = config.runDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ksim-')));
  await mkdir(runDir, { recursive: true });

  let port = 0;
  const host = createHostState(config, new Outbox(config.outboxDir), log, events, () => port);
  const plugins = new Map<string, PluginSupervisor>();
  const server = createFrontServer({ host, plugins });
  let updates: UpdateWatcher | undefined;
  try {
    const bootstrapPath = buildBootstrap(runDir);
    port = await listen(server, config.port, config.host);
    const deps = { config, runDir, bootstrapPath, methods: offeredMethods(config), log, host, events };
    const found = await discoverPlugins(config.pluginsDir);
    for (const skipped of found.skipped) log.info(`пропускаю ${path.join(config.pluginsDir, skipped.name)}: ${skipped.reason}`);
    for (const source of found.plugins) plugins.set(source.route, new PluginSupervisor(source, deps));
    const url = `http://${displayHost(config.host)}:${port}`;
    log.info(`симулятор слушает ${url}/ · плагины из ${config.pluginsDir}: ${[...plugins.keys()].join(', ') || 'нет'}`);
    updates = new UpdateWatcher({ config, log, events, plugins, supervise: (source) => new PluginSupervisor(source, deps) });
    await updates.applyPending();
    await Promise.all([...plugins.values()].map((p) => p.start()));
    updates.watch();
    const watcher = updates;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await watcher.close();
        await Promise.all([...plugins.values()].map((p) => p.stop()));
        await close(server);
        if (ownRunDir) await rm(runDir, { recursive: true, force: true });
        log.info('симулятор остановлен');
      })());
    return { port, url, config, plugins, outboxDir: config.outboxDir, runDir, events, host, stop };
  } catch (err) {
    await updates?.close();
    await Promise.all([...plugins.values()].map((p) => p.stop()));
    await close(server);
    if (ownRunDir) await rm(runDir, { recursive: true, force: true });
    throw err;
  }
}

function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`порт ${port} на ${hostname} уже занят (задайте другой: --port)`) : err),
    );
    server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
