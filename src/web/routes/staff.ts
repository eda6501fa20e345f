import type Router from '@koa/router';
import { createRouter } from '../router';
import { koaBody } from 'koa-body';
import type { AppContext } from '../context';
import { createCsrf } from '../csrf';
import { createFlash, type FlashMessages } from '../flash';
import { FacetsCache, storeFacetSource } from '../pages/facets';
import { createPages } from '../pages/page';
import { clearRoutes } from './pages/clear';
import { errorsRoutes } from './pages/errors';
import { problemsRoutes } from './pages/problems';
import { reportRoutes } from './pages/report';
import { reportsRoutes } from './pages/reports';
import { createReportReader, READER_DEFAULTS, type ReportReader } from '../pages/stored-report';
import { settingsRoutes } from './pages/settings';
import { statusRoutes } from './pages/status';

/**
 * The s/ area: everything here passes the reader check first (see app.ts). Every method
 * but GET/HEAD must come from our own pages: Origin check, then the form body (bounded),
 * then the CSRF token — for all routes at once, so no POST can forget it.
 */
export function staffRoutes(app: AppContext): Router {
  const router = createRouter();
  const csrf = createCsrf({ cookiePath: `/${app.route}/` });
  const formBody = koaBody({
    urlencoded: true,
    json: false,
    text: false,
    multipart: false,
    formLimit: app.config.limits.jsonBodyBytes,
    queryString: { parameterLimit: 5000, depth: 0 },
  });
  router.use(csrf.gate, formBody, csrf.verify);

  const reports = createReportReader(app.store, app.zips, {
    maxJsonBytes: app.config.limits.reportJsonBytes,
    maxEntryBytes: Math.max(app.config.limits.requestBytes, READER_DEFAULTS.maxEntryBytes),
    cacheBytes: READER_DEFAULTS.cacheBytes,
  });
  const deps: StaffDeps = { app, pages: createPages(app), facets: new FacetsCache(storeFacetSource(app.store)), reports, flash: createFlash() };
  router.get('/', (ctx) => {
    ctx.redirect(`${ctx.state.base}s/errorsList`);
  });
  for (const routes of [errorsRoutes, reportsRoutes, reportRoutes, problemsRoutes, settingsRoutes, clearRoutes, statusRoutes]) routes(router, deps);
  return router;
}

export type StaffDeps = { app: AppContext; pages: ReturnType<typeof createPages>; facets: FacetsCache; reports: ReportReader; flash: FlashMessages };
