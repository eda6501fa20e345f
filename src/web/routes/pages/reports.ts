import fs from 'node:fs';
import type Router from '@koa/router';
import { z } from 'zod';
import { errorPageView, ReportsQuery } from '../../pages/error-page';
import { IdParam } from '../../pages/params';
import { parseInput } from '../../pages/validate';
import { reportZip } from '../../pages/report-zip';
import type { StaffDeps } from '../staff';

const ErrorParams = z.object({ id: IdParam });
const ZipParams = z.object({ id: IdParam, reportId: IdParam });

/** s/reports/N and the zips of its reports. */
export function reportsRoutes(router: Router, { app, pages }: StaffDeps): void {
  router.get('/reports/:id', async (ctx) => {
    const { id } = parseInput(ErrorParams, ctx.params);
    const q = parseInput(ReportsQuery, ctx.query);
    const view = errorPageView(app.store, id, q, ctx.state.base);
    await pages.render(ctx, 'reports.njk', 'errors', { view });
  });

  router.get('/reports/:id/zip/:reportId', async (ctx) => {
    const { id, reportId } = parseInput(ZipParams, ctx.params);
    const zip = await reportZip(app.store, app.zips, id, reportId);
    ctx.type = 'application/zip';
    ctx.length = zip.size;
    ctx.set('Content-Disposition', `attachment; filename="${zip.fileName}"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = fs.createReadStream(zip.path);
  });
}
