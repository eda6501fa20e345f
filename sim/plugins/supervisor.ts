// Supervision of one plugin, as the monitor does it: initialisation ends when the plugin's
// socket accepts a connection (or initTimeoutMs passes with the process alive); an exit during
// initialisation is final; an exit after it is a crash, restarted after a delay that doubles on
// repeated crashes; a stop runs global.onShutdown first and never counts as a crash.
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { dispatchCall, type Caller, type HostState } from '../api/index';
import { ApiError, PluginRefusedError } from '../errors';
import type { CallMessage, ResultMessage, ShutdownDoneMessage, ShutdownMessage } from '../shared/protocol';
import type { PluginSource } from './discover';
import { removeStaleSocket, socketAccepts } from './socket';
import { startPlugin, type StartDeps } from './start';

/** starting/stopping/restarting/refused/failed/stopped are service states: the route answers 503. */
export type PluginStatus = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'refused' | 'failed';

export interface SupervisorDeps extends StartDeps {
  host: HostState;
  events: EventEmitter;
}

const POLL_MS = 50;
const MAX_RESTART_DELAY_MS = 30_000;
/** A process that lived this long before crashing starts the backoff from scratch. */
const STABLE_MS = 60_000;
/** Extra wait after the onShutdown limit for the process to exit, before SIGKILL. */
const EXIT_MARGIN_MS = 2_000;

export class PluginSupervisor {
  status: PluginStatus = 'stopped';
  /** Why the plugin is refused or failed (Russian, for a person). */
  reason: string | undefined;
  pid: number | undefined;
  socketPath: string | undefined;
  /** How many times the plugin was restarted after a crash. */
  restarts = 0;
  /** An update is being applied (updates.ts): the route answers 503 whatever the status. */
  updating = false;
  /** package.json of the last process started (KServerApi.Info). */
  packageInfo: Record<string, unknown> | undefined;

  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private caller: Caller | undefined;
  private generation = 0;
  private crashes = 0;
  private startedAt = 0;
  private stopRequested = false;
  private spawning: Promise<unknown> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    /** Where the plugin is; an update (updates.ts) points it at the new file. */
    public source: PluginSource,
    private readonly deps: SupervisorDeps,
  ) {}

  get route(): string {
    return this.source.route;
  }

  /** Full initialisation; resolves when it has ended (running, refused or failed). */
  async start(): Promise<void> {
    this.stopRequested = false;
    await this.attempt(false);
  }

  /** Stops the process through onShutdown (SIGKILL after the limit); cancels a pending restart. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async attempt(isRestart: boolean): Promise<void> {
    const { log, events } = this.deps;
    this.status = 'starting';
    this.reason = undefined;
    const spawn = startPlugin(this.source, ++this.generation, this.deps);
    this.spawning = spawn.catch(() => undefined);
    let started;
    try {
      started = await spawn;
    } catch (err) {
      if (this.stopRequested) return;
      const refused = err instanceof PluginRefusedError;
      this.status = 'refused';
      this.reason = refused ? err.reason : `не запускается: ${(err as Error).message}`;
      log.plugin(this.route, `не запущен: ${this.reason}`);
      events.emit('plugin-refused', { route: this.route, reason: this.reason, missingLicenses: refused ? err.missingLicenses : [] });
      return;
    }
    const { child, socketPath, pkg } = started;
    this.child = child;
    this.pid = child.pid;
    this.socketPath = socketPath;
    this.packageInfo = pkg.info;
    this.caller = { route: this.route, path: pkg.dir, serviceLicense: pkg.licenses[0]?.id };
    this.startedAt = Date.now();
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('message', (message) => this.onMessage(child, message as CallMessage | ShutdownDoneMessage));
    child.on('error', (err) => log.plugin(this.route, `ошибка процесса: ${err.message}`));
    log.plugin(this.route, `${isRestart ? 'перезапускается' : 'запускается'} (pid ${child.pid}, сокет ${socketPath})`);
    if (this.stopRequested) return; // stop() is waiting for this fork and takes it from here

    const ready = await this.waitForSocket(child, socketPath);
    if (this.child !== child || this.stopRequested || this.status !== 'starting') return;
    this.status = 'running';
    const how = ready ? '' : `; сокет не принял соединение за ${this.deps.config.initTimeoutMs} мс, инициализация считается законченной`;
    log.plugin(this.route, `запущен (pid ${child.pid}, сокет ${socketPath})${how}`);
    const info = { route: this.route, pid: child.pid, socketPath, restarts: this.restarts };
    events.emit('plugin-started', info);
    if (isRestart) events.emit('plugin-restarted', info);
  }

  /** Polls the socket until it accepts; false when initTimeoutMs passed first. */
  private async waitForSocket(child: ChildProcess, socketPath: string): Promise<boolean> {
    const deadline = Date.now() + this.deps.config.initTimeoutMs;
    while (this.child === child && !this.stopRequested) {
      if (await socketAccepts(socketPath)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(POLL_MS);
    }
    return false;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const { log, events, config } = this.deps;
    this.child = undefined;
    this.pid = undefined;
    if (this.socketPath) void removeStaleSocket(this.socketPath).catch(() => undefined);
    const how = signal ? `сигнал ${signal}` : `код ${code}`;
    const phase = this.stopRequested ? 'stop' : this.status === 'starting' ? 'init' : 'run';
    events.emit('plugin-exited', { route: this.route, pid: child.pid, code, signal, phase });
    if (phase === 'stop') {
      log.plugin(this.route, `процесс завершился (${how})`);
    } else if (phase === 'init') {
      this.status = 'failed';
      this.reason = `процесс завершился во время инициализации (${how})`;
      log.plugin(this.route, `${this.reason}; перезапуска не будет`);
      events.emit('plugin-failed', { route: this.route, reason: this.reason });
    } else {
      if (Date.now() - this.startedAt >= STABLE_MS) this.crashes = 0;
      this.crashes += 1;
      const delay = Math.min(config.restartDelayMs * 2 ** (this.crashes - 1), MAX_RESTART_DELAY_MS);
      this.status = 'restarting';
      log.plugin(this.route, `процесс завершился (${how}); перезапуск через ${delay} мс`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.restarts += 1;
        void this.attempt(true);
      }, delay);
    }
  }

  private onMessage(child: ChildProcess, message: CallMessage | ShutdownDoneMessage): void {
    if (message?.type === 'shutdown-done') {
      this.logShutdown(message);
      return;
    }
    if (message?.type !== 'call' || !this.caller) return;
    const reply = (result: ResultMessage) => {
      if (!child.connected) return;
      try {
        child.send(result);
      } catch (err) {
        this.deps.log.plugin(this.route, `ответ на ${String(message.method)} не отправлен: ${(err as Error).message}`);
      }
    };
    dispatchCall(this.deps.host, this.caller, message.method, message.args).then(
      (value) => reply({ type: 'result', id: message.id, ok: true, value }),
      (err: Error) => {
        if (!(err instanceof ApiError)) this.deps.log.plugin(this.route, `сбой ${String(message.method)}: ${err.stack ?? err}`);
        reply({ type: 'result', id: message.id, ok: false, error: { message: err.message } });
      },
    );
  }

  private logShutdown(done: ShutdownDoneMessage): void {
    const { log, config } = this.deps;
    if (done.ok) log.plugin(this.route, 'onShutdown завершён');
    else if (done.timedOut) log.plugin(this.route, `onShutdown не уложился в ${config.shutdownTimeoutMs} мс`);
    else log.plugin(this.route, `onShutdown завершился ошибкой: ${done.error}`);
  }

  private async doStop(): Promise<void> {
    const { log, events, config } = this.deps;
    this.stopRequested = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.spawning;
    const child = this.child;
    if (child) {
      this.status = 'stopping';
      log.plugin(this.route, 'останавливается');
      try {
        child.send({ type: 'shutdown', timeoutMs: config.shutdownTimeoutMs } satisfies ShutdownMessage);
      } catch {
        child.kill('SIGTERM');
      }
      const limit = config.shutdownTimeoutMs + EXIT_MARGIN_MS;
      const inTime = await Promise.race([this.exited.then(() => true), sleep(limit, false, { ref: false })]);
      if (!inTime) {
        log.plugin(this.route, `процесс не завершился за ${limit} мс — SIGKILL`);
        child.kill('SIGKILL');
        await this.exited;
      }
    }
    if (this.socketPath) await removeStaleSocket(this.socketPath).catch(() => undefined);
    const wasRunning = child !== undefined;
    this.status = 'stopped';
    if (wasRunning) {
      log.plugin(this.route, 'остановлен');
      events.emit('plugin-stopped', { route: this.route });
    }
  }
}
