import type { PluginConfig } from '../config/plugin-config';
import type { StatusService } from '../diagnostics/status';
import type { KServer } from '../kserver/api';
import type { Logger } from '../log';
import type { DiskGuard } from '../registry/disk-guard';
import type { RefusalLog } from '../registry/refusals';
import type { UnaskedCounts } from '../registry/unasked-counts';
import type { DeferredIndexes } from '../registry/deferred-indexes';
import type { DatabaseBackups } from '../storage/backup';
import type { SettingsStore } from '../registry/settings-store';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';
import type { createAccess } from './access';
import type { Renderer } from './render';
import type { PickKServerInfo } from './session';

/**
 * What the web app is built from (AppDeps, given by the plugin entry or a test) and what
 * its route modules get (AppContext). Apart from app.ts, so that routes need not import
 * the module that imports them.
 */
export interface AppDeps {
  /** The URL segment the monitor forwards to us. */
  route: string;
  kserver: KServer;
  pickKServerInfo?: PickKServerInfo;
  config: PluginConfig;
  templatesDir: string;
  staticDir: string;
  log: Logger;
  settings: SettingsStore;
  store: Store;
  zips: ZipStore;
  /** Woken when a new error is queued for notice. */
  notifier?: { wake(): void };
  /** The background batch runner (clear, retention): woken when a job is recorded. */
  jobs: { kick(): void };
  /** The disk rule: intake pauses below the free-space threshold (absent: never). */
  disk?: DiskGuard;
  /** Online copies of the database for s/backup (absent: not offered). */
  backups?: DatabaseBackups;
  /** getInfo "no" answers counted in memory and flushed (absent: the app makes its own, flushed only when asked). */
  unasked?: UnaskedCounts;
  /** The search words and list orders intake leaves for a batch (absent: the app makes its own, written when a list asks). */
  indexes?: DeferredIndexes;
  /** The process's figures for s/status (absent where there is no plugin process around the app). */
  status?: StatusService;
}

/** What route modules get: the deps plus shared services built once. */
export interface AppContext extends AppDeps {
  renderer: Renderer;
  access: ReturnType<typeof createAccess>;
  /** What the acceptance rules refused since start (the settings page tells of it). */
  refusals: RefusalLog;
  unasked: UnaskedCounts;
  indexes: DeferredIndexes;
}
