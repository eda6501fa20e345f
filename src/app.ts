import Koa from 'koa';
import { RefusalLog } from './registry/refusals';
import { UnaskedCounts } from './registry/unasked-counts';
import { DeferredIndexes } from './registry/deferred-indexes';
import { createAccess } from './web/access';
import { refuseEncodedBodies } from './web/content-encoding';
import { errorHandler } from './web/error-handler';
import type { AppContext, AppDeps } from './web/context';
import { createRenderer } from './web/render';
import { createRouter } from './web/router';
import { homeRoutes } from './web/routes/home';
import { intakeRoutes } from './web/routes/intake';
import { staffRoutes } from './web/routes/staff';
import { securityHeaders } from './web/security-headers';
import { staticAssets } from './web/static';

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
  const ctx: AppContext = { ...deps, renderer, access, refusals: new RefusalLog(), unasked: deps.unasked ?? new UnaskedCounts(deps.store, deps.log),
    indexes: deps.indexes ?? new DeferredIndexes(deps.store, deps.log),
  };

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
  app.use(errorHandler({ log: deps.log, renderer, viewerOf: access.viewerOf, loginHref: loginHrefOf(deps.config.loginUrl) }));
  app.use(refuseEncodedBodies);
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

/**
 * The login page's address for a 403 page, coming back to `next`. A real KServer's login
 * address is not documented, so it is configured (`loginUrl`, the simulator's is
 * /_sim/login?next={next}); without it the KServer start page, where users log in.
 */
function loginHrefOf(template: string | undefined): (next: string) => string {
  return (next) => (template ? template.replaceAll('{next}', encodeURIComponent(next)) : '/');
}

/** A base address typed with a trailing slash (`/pult//getInfo`) must still work. */
async function collapseSlashes(ctx: Koa.Context, next: Koa.Next) {
  if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
  await next();
}
