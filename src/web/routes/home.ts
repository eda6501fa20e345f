import type Router from '@koa/router';
import { createRouter } from '../router';
import type { AppContext } from '../context';
import { absoluteBase } from '../../kserver/links';

/** `/<route>/`: what this service is and the address to give an infobase. Public. */
export function homeRoutes(app: AppContext): Router {
  const router = createRouter();
  router.get('/', async (ctx) => {
    const base = await absoluteBase(app.kserver, app.route, ctx.get('host') || undefined);
    ctx.type = 'html';
    ctx.body = app.renderer.render('home.njk', { base: ctx.state.base, serviceAddress: base });
  });
  return router;
}
