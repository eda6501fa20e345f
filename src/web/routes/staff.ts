import Router from '@koa/router';
import type { AppContext } from '../../app';

/** The s/ area: everything here passes the reader check first (see app.ts). */
export function staffRoutes(app: AppContext): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    ctx.redirect(`${ctx.state.base}s/errorsList`);
  });
  return router;
}
