import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { createApp } from './app';
import { packageCandidates, resolvePackageInfo } from './config/own-package';
import { loadPluginConfig } from './config/plugin-config';
import { boundsFigures, ZipBytes } from './diagnostics/bounds';
import { StatusService, type StatusSources } from './diagnostics/status';
import { diskRules } from './registry/settings-schema';
import { createKServer, missingMethods } from './kserver/api';
import { findHostObject, readHostProps } from './kserver/host';
import { createLogger, type Logger } from './log';
import { Notifier } from './notices/notifier';
import { BackgroundJobs } from './registry/background-jobs';
import { clearJob } from './registry/clear';
import { DiskGuard } from './registry/disk-guard';
import { RetentionSchedule, retentionJob } from './registry/retention';
import { UnaskedCounts } from './registry/unasked-counts';
import { DeferredIndexes } from './registry/deferred-indexes';
import { SettingsStore } from './registry/settings-store';
import { openStore } from './storage/engine';
import { DatabaseBackups } from './storage/backup';
import { MIGRATIONS } from './storage/migrations';
import { AttachmentRescan } from './registry/attachments-rescan';
import { CategoryBackfill } from './registry/category-backfill';
import { recoverStorage } from './registry/recover';
import { dataTotals } from './storage/status-repo';
import { ZipStore } from './storage/zip-store';
import { publicStartupReason } from './startup-failure';
import { unavailableApp } from './web/unavailable';
import type { PickKServerInfo } from './web/session';

export interface PluginLayout {
  /** Folder with the nunjucks templates and static/ assets. */
  templatesDir: string;
  /** The folder of sql.js's sql-wasm.js and sql-wasm.wasm when not node_modules (the production file). */
  sqlJsDir?: string | undefined;
  /** pult's own package.json beside its bundle, for a host whose Info lacks it. */
  packageJson?: string | undefined;
}

export interface RunningPlugin {
  server: http.Server;
  route: string;
  /** What `global.onShutdown` calls: stop accepting, finish in-flight work, flush, close. */
  shutdown(): Promise<void>;
}

/**
 * Starts pult inside the monitor: reads the host object, builds the deps, listens on the
 * monitor's socket. Never exits the process: a fatal start-up problem is served as a 503
 * page that names it, so the administrator sees it in the browser and in the log.
 */
export async function startPlugin(g: Record<string, unknown>, layout: PluginLayout, log: Logger = createLogger()): Promise<RunningPlugin> {
  const { api, flavour } = findHostObject(g);
  const host = readHostProps(api, flavour);
  const pick = typeof g.pickKServerInfo === 'function' ? (g.pickKServerInfo as PickKServerInfo) : undefined;
  log.info(`pult запускается: маршрут /${host.route}/, данные в ${host.StoragePath}, хост ${flavour}`);

  let app;
  let cleanup: () => Promise<void> = async () => {};
  let graceMs = 8000;
  let requestTimeoutMs = 330_000;
  const status = new StatusService();
  let sources: StatusSources | undefined;
  let dbOpenMs = 0;
  try {
    fs.mkdirSync(host.StoragePath, { recursive: true });
    const packageInfo = resolvePackageInfo(host.Info, packageCandidates(host.Path, layout.packageJson), (m) => log.warn(m));
    const config = loadPluginConfig(packageInfo, host.StoragePath);
    graceMs = config.shutdownGraceMs;
    requestTimeoutMs = (config.limits.bodySeconds + 30) * 1000;
    const kserver = createKServer(api, { timeoutMs: config.kserverTimeoutMs });
    const missing = missingMethods(kserver);
    if (missing.length) log.warn(`монитор не предоставляет методы: ${missing.join(', ')}`);
    const settings = SettingsStore.open(host.StoragePath);
    const started = Date.now();
    const store = await openStore({ dir: path.join(host.StoragePath, 'db'), migrations: MIGRATIONS, log: storageLog(log), sqlJsDir: layout.sqlJsDir });
    const zips = new ZipStore(path.join(host.StoragePath, 'zips'));
    await recoverStorage(store, zips, log);
    dbOpenMs = Date.now() - started;
    log.info(`база открыта за ${dbOpenMs} мс`);
    const notifier = new Notifier({
      store,
      kserver,
      settings,
      route: host.route,
      log,
      batchMs: config.notices.batchSeconds * 1000,
      retryMs: config.notices.retrySeconds * 1000,
      maxRetryMs: config.notices.maxRetrySeconds * 1000,
      minIntervalMs: config.notices.minIntervalSeconds * 1000,
    });
    notifier.start();
    const rescan = new AttachmentRescan({ store, zips, log, maxReportJsonBytes: config.limits.reportJsonBytes });
    // One after the other: a database old enough for both reads its zips once at a time.
    const categories = new CategoryBackfill({ store, zips, log, maxReportJsonBytes: config.limits.reportJsonBytes });
    void rescan.start().then(() => categories.start());
    const jobs = new BackgroundJobs({ store, zips, log, definitions: [clearJob(settings, log), retentionJob(settings, log)] });
    jobs.kick(); // a clear or retention pass cut short by a stop or a crash goes on
    const retention = new RetentionSchedule({ store, settings, log, kick: () => jobs.kick() });
    retention.start();
    const disk = new DiskGuard({ storagePath: host.StoragePath, store, settings, kserver, log, journaled: () => store.journaledBytes });
    await disk.start();
    const unasked = new UnaskedCounts(store, log);
    unasked.start();
    const indexes = new DeferredIndexes(store, log);
    indexes.start();
    app = createApp({
      route: host.route,
      kserver,
      pickKServerInfo: pick,
      config,
      templatesDir: layout.templatesDir,
      staticDir: path.join(layout.templatesDir, 'static'),
      log,
      settings,
      store,
      zips,
      notifier,
      status,
      jobs,
      disk,
      unasked,
      indexes,
      backups: new DatabaseBackups(store, host.StoragePath),
    });
    const zipBytes = new ZipBytes(store);
    sources = {
      storeStats: () => store.stats(),
      incomingZips: () => zips.incomingCount(),
      totals: () => store.read(dataTotals),
      bounds: () => boundsFigures(store, zipBytes, disk, diskRules(settings.get()).minFreeMb),
    };
    cleanup = async () => {
      await rescan.stop();
      await categories.stop();
      retention.stop();
      await disk.stop();
      await jobs.stop();
      await notifier.stop();
      await unasked.stop();
      await indexes.stop();
      await store.close();
      await zips.close();
    };
  } catch (err) {
    log.error('pult не смог запуститься', err);
    app = unavailableApp(publicStartupReason(err));
  }

  const server = http.createServer(app.callback());
  // A refused body that is still arriving is read and dropped by Node (closing at once would
  // reset the connection before the answer is read); this bounds how long that may take.
  server.requestTimeout = requestTimeoutMs;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, host.SocketPath);
  // performance.now() counts from the process's start.
  const readyMs = Math.round(performance.now());
  if (sources) status.serving(sources, { dbOpenMs, readyMs });
  log.info(`pult слушает ${host.SocketPath} (готов через ${readyMs} мс после старта процесса)`);

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      log.info('pult останавливается');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([closed, grace]);
      for (const s of sockets) s.destroy();
      status.stop();
      await cleanup();
      log.info('pult остановлен');
    })());
  return { server, route: host.route, shutdown };
}

/** Listens on the monitor's socket; a stale Unix socket file left by a killed process is removed. */
async function listen(server: http.Server, socketPath: string): Promise<void> {
  if (process.platform !== 'win32' && fs.existsSync(socketPath)) fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The engine's log entries into ours. */
function storageLog(log: Logger) {
  return ({ level, message, err }: { level: 'info' | 'warn' | 'error'; message: string; err?: unknown }) =>
    level === 'error' ? log.error(message, err) : log[level](message);
}
