import type Router from '@koa/router';
import { forViewer } from '../../../diagnostics/status';
import { NotFoundError } from '../../../errors';
import { presentStatus } from '../../pages/status-view';
import type { StaffDeps } from '../staff';

/**
 * s/status: how the plugin process is doing (uptime, memory, event-loop stalls, request
 * times, storage, queues), read-only. `Accept: application/json` gets the raw figures, for
 * scripts and the intake benchmark. Administrators may restart the "since reset" figures.
 */
export function statusRoutes(router: Router, { app, pages }: StaffDeps): void {
  router.get('/status', async (ctx) => {
    if (!app.status) throw new NotFoundError('Состояние сервиса недоступно в этом режиме запуска');
    const status = forViewer(await app.status.read(), await app.access.isAdmin(ctx));
    ctx.set('Cache-Control', 'no-store');
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = status;
      return;
    }
    await pages.render(ctx, 'status.njk', 'status', { view: presentStatus(status), wasReset: ctx.query.reset === '1' });
  });

  router.post('/status/reset', app.access.requireAdmin, async (ctx) => {
    if (!app.status) throw new NotFoundError('Состояние сервиса недоступно в этом режиме запуска');
    app.status.reset();
    ctx.redirect(`${ctx.state.base}s/status?reset=1`);
    ctx.status = 303;
  });
}
