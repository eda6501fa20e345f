import { requireOwnSite } from '../../csrf';
import fs from 'node:fs';
import type Router from '@koa/router';
import { forViewer } from '../../../diagnostics/status';
import { NotFoundError, TooManyRequestsError } from '../../../errors';
import { presentStatus } from '../../pages/status-view';
import { answersJson, answersView } from '../../pages/answers-view';
import type { StaffDeps } from '../staff';

/**
 * s/status: how the plugin process is doing (uptime, memory, event-loop stalls, request
 * times, storage, queues), read-only. `Accept: application/json` gets the raw figures, for
 * scripts and the intake benchmark. Administrators may restart the "since reset" figures,
 * and download a consistent copy of the database (s/backup) while pult runs.
 */
export function statusRoutes(router: Router, { app, pages }: StaffDeps): void {
  router.get('/status', async (ctx) => {
    if (!app.status) throw new NotFoundError('Состояние сервиса недоступно в этом режиме запуска');
    const status = forViewer(await app.status.read(), await app.access.isAdmin(ctx));
    ctx.set('Cache-Control', 'no-store');
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { ...status, answers: answersJson(app.refusals) };
      return;
    }
    await pages.render(ctx, 'status.njk', 'status', { view: presentStatus(status), answers: answersView(app.refusals), wasReset: ctx.query.reset === '1' });
  });

  router.get('/backup', app.access.requireAdmin, requireOwnSite, async (ctx) => {
    if (!app.backups) throw new NotFoundError('Копия базы недоступна в этом режиме запуска');
    const backup = await app.backups.take();
    if (!backup) {
      ctx.set('Retry-After', '30');
      throw new TooManyRequestsError('Копия базы уже готовится или скачивается: дождитесь её окончания и повторите.');
    }
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    ctx.set('Content-Type', 'application/vnd.sqlite3');
    ctx.set('Content-Disposition', `attachment; filename="pult-${stamp}.sqlite"`);
    ctx.set('Content-Length', String(backup.bytes));
    ctx.set('Cache-Control', 'no-store');
    const stream = fs.createReadStream(backup.file);
    // Removed once sent, or when the download is broken off.
    stream.once('close', () => void backup.done());
    ctx.body = stream;
  });

  router.post('/status/reset', app.access.requireAdmin, async (ctx) => {
    if (!app.status) throw new NotFoundError('Состояние сервиса недоступно в этом режиме запуска');
    app.status.reset();
    ctx.redirect(`${ctx.state.base}s/status?reset=1`);
    ctx.status = 303;
  });
}
