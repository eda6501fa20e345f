// The monitor's update procedure (spec "Updates"; simulator item 9). An update is a file named
// as file-format.ts says, dropped into the plugins folder. Found at start, it is applied before
// the first start; found at run time (fs.watch, and a periodic rescan because fs.watch misses
// events), it is taken once its size and time have stayed the same for updateSettleMs.
//
// Steps, each logged in this order: found; checked (a refused update is left where it is, is
// not retried until the file changes, and the running plugin keeps serving); route in service
// state (503); plugin stopped through onShutdown; `<route>.kplugin` renamed to the backup
// `<route>.DD-MM-YYYY`; the update renamed into its place; full initialisation; route restored.
// Updates are applied one at a time.
import type { EventEmitter } from 'node:events';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimConfig } from '../config';
import { PluginRefusedError } from '../errors';
import type { SimLog } from '../log';
import type { PluginSource } from './discover';
import { backupFileName, checkUpdateTarget, pluginFileName, readPluginFile, routeOfUpdate, type PluginArchive } from './file-format';
import type { PluginSupervisor } from './supervisor';

export interface UpdateDeps {
  config: SimConfig;
  log: SimLog;
  events: EventEmitter;
  plugins: Map<string, PluginSupervisor>;
  /** A supervisor for a route that has no plugin yet (an update that installs one). */
  supervise(source: PluginSource): PluginSupervisor;
}

const DEBOUNCE_MS = 100;

export class UpdateWatcher {
  private queue: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  /** Update file name → the signature it had when it was refused. */
  private readonly refused = new Map<string, string>();
  /** Update file name → its signature when first seen unchanged, and since when. */
  private readonly seen = new Map<string, { sig: string; since: number }>();
  private watcher: FSWatcher | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private scanning = false;
  private scanAgain = false;
  private closed = false;

  constructor(private readonly deps: UpdateDeps) {}

  private get dir(): string {
    return this.deps.config.pluginsDir;
  }

  /** Applies every update present now; the plugins are started afterwards by the caller. */
  async applyPending(): Promise<void> {
    for (const name of await this.updateNames()) await this.apply(name, true);
  }

  /** Starts watching the plugins folder. */
  watch(): void {
    try {
      this.watcher = watch(this.dir, () => this.scanSoon(DEBOUNCE_MS));
      this.watcher.on('error', (err) => {
        this.deps.log.info(`наблюдение за ${this.dir} прекращено (${err.message}); обновления ищутся раз в ${this.deps.config.updateScanMs} мс`);
        this.watcher?.close();
      });
    } catch (err) {
      this.deps.log.info(`fs.watch недоступен для ${this.dir} (${(err as Error).message}); обновления ищутся раз в ${this.deps.config.updateScanMs} мс`);
    }
    this.rescan = setInterval(() => void this.scan(), this.deps.config.updateScanMs);
    this.rescan.unref();
  }

  /** Stops watching; waits for an update in progress to finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.rescan);
    for (const t of this.timers) clearTimeout(t);
    await this.queue;
  }

  private scanSoon(ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.scan();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** One scan at a time; a scan asked for meanwhile runs right after. */
  private async scan(): Promise<void> {
    if (this.closed) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.scanAgain = false;
        await this.scanOnce();
      } while (this.scanAgain && !this.closed);
    } finally {
      this.scanning = false;
    }
  }

  private async scanOnce(): Promise<void> {
    const names = await this.updateNames().catch((): string[] => []);
    for (const known of [...this.refused.keys(), ...this.seen.keys()]) {
      if (!names.includes(known)) this.forget(known);
    }
    const { updateSettleMs } = this.deps.config;
    for (const name of names) {
      if (this.queued.has(name)) continue;
      const sig = await signature(path.join(this.dir, name));
      if (!sig || this.refused.get(name) === sig) continue;
      const seen = this.seen.get(name);
      if (seen?.sig !== sig) {
        this.seen.set(name, { sig, since: Date.now() });
        if (updateSettleMs > 0) {
          this.scanSoon(updateSettleMs);
          continue;
        }
      } else if (Date.now() - seen.since < updateSettleMs) {
        this.scanSoon(seen.since + updateSettleMs - Date.now());
        continue;
      }
      this.seen.delete(name);
      this.queued.add(name);
      this.queue = this.queue
        .then(() => (this.closed ? undefined : this.apply(name, false)))
        .catch((err: Error) => this.deps.log.info(`сбой обновления ${name}: ${err.stack ?? err}`))
        .finally(() => this.queued.delete(name));
    }
  }

  private forget(name: string): void {
    this.refused.delete(name);
    this.seen.delete(name);
  }

  private async updateNames(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names.filter((n) => routeOfUpdate(n) !== undefined).sort();
  }

  private async apply(name: string, atStart: boolean): Promise<void> {
    const { log, events, plugins } = this.deps;
    const route = routeOfUpdate(name)!;
    const updateFile = path.join(this.dir, name);
    const sig = await signature(updateFile);
    if (!sig) return;
    const current = plugins.get(route);
    log.plugin(route, `обновление найдено: ${name}${atStart ? ' (при запуске симулятора)' : ''}`);
    events.emit('update-found', { route, file: updateFile });

    const installed = current ? await installedPackage(current) : undefined;
    let archive: PluginArchive;
    try {
      archive = await this.check(updateFile, route, current, installed?.name);
    } catch (err) {
      const reason = err instanceof PluginRefusedError ? err.reason : `не читается: ${(err as Error).message}`;
      this.refused.set(name, sig);
      const keeps = current?.status === 'running' ? 'работающий плагин продолжает работу' : 'плагин не тронут';
      log.plugin(route, `обновление отклонено: ${reason}. Файл ${name} оставлен на месте, ${keeps}`);
      events.emit('update-refused', { route, file: updateFile, reason });
      return;
    }
    const from = installed?.version ? `${installed.version} → ` : '';
    log.plugin(route, `обновление проверено: ${archive.manifest.name} ${from}${archive.manifest.version}`);

    const target = path.join(this.dir, pluginFileName(route));
    const supervisor = current ?? this.deps.supervise({ route, kind: 'file', path: target });
    supervisor.updating = true;
    log.plugin(route, `обновление: маршрут /${route} в служебном состоянии (503)`);
    let backup: string | undefined;
    try {
      if (current) {
        const wasRunning = current.pid !== undefined;
        await current.stop();
        log.plugin(route, wasRunning ? 'обновление: плагин остановлен через onShutdown' : 'обновление: плагин не работал, останавливать нечего');
        if (existsSync(current.source.path)) {
          backup = backupFileName(route, new Date(), (n) => existsSync(path.join(this.dir, n)));
          await rename(current.source.path, path.join(this.dir, backup));
          log.plugin(route, `обновление: ${path.basename(current.source.path)} → ${backup}`);
        }
      }
      await rename(updateFile, target);
      log.plugin(route, `обновление: ${name} → ${path.basename(target)}`);
    } catch (err) {
      await this.undo(route, current, backup, err as Error, atStart);
      return;
    }
    supervisor.source = { route, kind: 'file', path: target };
    if (!current) plugins.set(route, supervisor);

    if (atStart) {
      supervisor.updating = false;
      log.plugin(route, `обновление применено до первого запуска: ${archive.manifest.name} ${archive.manifest.version}`);
      events.emit('update-applied', { route, version: archive.manifest.version, backup, status: supervisor.status });
      return;
    }
    log.plugin(route, 'обновление: полная инициализация');
    await supervisor.start();
    supervisor.updating = false;
    if (supervisor.status === 'running') {
      log.plugin(route, `обновление применено: маршрут /${route} восстановлен (${archive.manifest.name} ${archive.manifest.version})`);
    } else {
      log.plugin(route, `обновление применено, но плагин не работает: ${supervisor.reason ?? supervisor.status}`);
    }
    events.emit('update-applied', { route, version: archive.manifest.version, backup, status: supervisor.status });
  }

  /** Our format, this route, the installed package's name (when it can be known). */
  private async check(updateFile: string, route: string, current: PluginSupervisor | undefined, installedName: string | undefined): Promise<PluginArchive> {
    if (current?.source.kind === 'folder') {
      throw new PluginRefusedError(`на маршруте /${route} плагин-папка (режим разработчика); обновления применяются только к плагинам-файлам`);
    }
    const archive = await readPluginFile(updateFile);
    checkUpdateTarget(archive, route, installedName);
    return archive;
  }

  /** A rename failed: put the old file back if it was moved, and start the old plugin again. */
  private async undo(route: string, current: PluginSupervisor | undefined, backup: string | undefined, err: Error, atStart: boolean): Promise<void> {
    const { log } = this.deps;
    log.plugin(route, `обновление прервано: ${err.message}`);
    if (current && backup && !existsSync(current.source.path)) {
      await rename(path.join(this.dir, backup), current.source.path).catch((e: Error) =>
        log.plugin(route, `не удалось вернуть ${backup} на место: ${e.message}`),
      );
    }
    if (current) current.updating = false;
    if (current && !atStart) await current.start();
  }
}

/** The installed plugin's package name and version: from its last start, else from its file (if readable). */
async function installedPackage(current: PluginSupervisor): Promise<{ name: string; version: string } | undefined> {
  const info = current.packageInfo;
  if (typeof info?.name === 'string') return { name: info.name, version: String(info.version ?? '') };
  if (current.source.kind !== 'file') return undefined;
  return readPluginFile(current.source.path).then(
    ({ manifest }) => ({ name: manifest.name, version: manifest.version }),
    () => undefined,
  );
}

/** Size and modification time: a change means a new file (or one still being copied). */
async function signature(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? `${info.size}:${info.mtimeMs}` : undefined;
}
