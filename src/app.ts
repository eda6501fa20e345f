import Koa from 'koa';
import type { PluginConfig } from './config/plugin-config';
import type { StatusService } from './diagnostics/status';
import { RefusalLog } from './registry/refusals';
import type { SettingsStore } from './registry/settings-store';
import type { Store } from './storage/store';
import type { ZipStore } from './storage/zip-store';
import type { KServer } from './kserver/api';
import type { Logger } from './log';
import { createAccess } from './web/access';
import { errorHandler } from './web/error-handler';
import { createRenderer, type Renderer } from './web/render';
import { createRouter } from './web/router';
import { homeRoutes } from './web/routes/home';
import { intakeRoutes } from './web/routes/intake';
import { staffRoutes } from './web/routes/staff';
import { securityHeaders } from './web/security-headers';
import type { PickKServerInfo } from './web/session';
import { staticAssets } from './web/static';

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
  /** The process's figures for s/status (absent where there is no plugin process around the app). */
  status?: StatusService;
}

/** What route modules get: the deps plus shared services built once. */
export interface AppContext extends AppDeps {
  renderer: Renderer;
  access: ReturnType<typeof createAccess>;
  /** What the acceptance rules refused since start (the settings page tells of it). */
  refusals: RefusalLog;
}

/**
 * Builds the Koa application. Knows nothing of sockets, globals or the simulator: the
 * plugin entry (index.ts) and the tests call it with their deps.
 */
export function createApp(deps: AppDeps): Koa {
  const base = `/${deps.route}/`;
  const staffArea = `${base}s`.toLowerCase();
  const renderer = createRenderer(deps.templatesDir, { staticBase: `${base}static/` });
  const access = createAccess({
    kserver: deps.kserver,
    pickKServerInfo: deps.pickKServerInfo,
    features: deps.config.features,
    cacheSeconds: deps.config.accessCacheSeconds,
    log: deps.log,
  });
  const ctx: AppContext = { ...deps, renderer, access, refusals: new RefusalLog() };

  const app = new Koa();
  app.proxy = false;
  app.silent = true;

  const root = createRouter({ prefix: `/${deps.route}` });
  root.use(homeRoutes(ctx).routes());
  root.use(intakeRoutes(ctx).routes());

  root.use('/s', staffRoutes(ctx).routes());

  app.use(collapseSlashes);
  app.use(async (c, next) => {
    c.state.base = base;
    await next();
  });
  app.use(securityHeaders);
  app.use(errorHandler({ log: deps.log, renderer }));
  app.use(staticAssets(deps.staticDir, `${base}static/`));
  // Every s/ URL, known page or not, passes the reader check before any routing.
  // Compared without case: the routers are case-sensitive, but a guard must never be the weaker side.
  app.use(async (c, next) => {
    const p = c.path.toLowerCase();
    return p === staffArea || p.startsWith(`${staffArea}/`) ? access.requireReader(c, next) : next();
  });
  app.use(root.routes());
  app.use(root.allowedMethods());
  return app;
}

/** A base address typed with a trailing slash (`/pult//getInfo`) must still work. */
async function collapseSlashes(ctx: Koa.Context, next: Koa.Next) {
  if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
  await next();
}
