import type Router from '@koa/router';
import { z } from 'zod';
import { NotFoundError } from '../../../errors';
import { asciiExtension, attachmentDisposition } from '../../pages/download-name';
import { IdParam } from '../../pages/params';
import { presentReport } from '../../pages/present';
import { reportPageView } from '../../pages/report-view';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

const ReportParams = z.object({ reportId: IdParam });
const EntryParams = z.object({
  reportId: IdParam,
  index: z.string().regex(/^\d{1,4}$/, 'ожидается номер файла в архиве').transform(Number),
});

/**
 * s/report/R: one report read from its stored zip, and the entries of that zip, each by
 * its index in the central directory (never by a name from the URL).
 */
export function reportRoutes(router: Router, { app, pages, reports }: StaffDeps): void {
  router.get('/report/:reportId', async (ctx) => {
    const { reportId } = parseInput(ReportParams, ctx.params);
    const stored = await reports.read(reportId);
    ctx.set('Cache-Control', 'no-store');
    if (ctx.accepts('html', 'json') === 'json') {
      const c = stored.contents;
      ctx.body = {
        id: stored.row.id,
        errorId: stored.row.error_id,
        previous: stored.previous ?? null,
        next: stored.next ?? null,
        facts: { ...presentReport(stored.row), receivedAt: stored.row.received_at, hasScreenshot: flag(stored.row.has_screenshot), crashed: flag(stored.row.crashed) },
        report: c?.json ?? null,
        entries: c?.entries.map(({ index, name, declaredSize, isDirectory }) => ({ index, name, size: declaredSize, isDirectory })) ?? [],
        attachedFiles: c?.files.map((e) => e.index) ?? [],
        missingFiles: c?.missingFiles ?? [],
        problem: stored.problem ?? null,
      };
      return;
    }
    await pages.render(ctx, 'report.njk', 'errors', { view: reportPageView(stored, ctx.state.base) });
  });

  router.get('/report/:reportId/screenshot', async (ctx) => {
    const { reportId } = parseInput(ReportParams, ctx.params);
    const { contents } = await reports.read(reportId);
    const shot = contents?.screenshot;
    if (!shot || shot.index === undefined) throw new NotFoundError(`У отчёта ${reportId} нет снимка экрана.`);
    if (!shot.type) throw new NotFoundError(`Снимок экрана отчёта ${reportId} не является изображением PNG, JPEG или GIF и не показывается.`);
    const { bytes } = await reports.entry(reportId, shot.index);
    ctx.type = shot.type;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('Content-Disposition', `inline; filename="pult-${reportId}-screenshot${shot.type === 'image/jpeg' ? '.jpg' : '.' + shot.type.slice(6)}"`);
    ctx.body = bytes;
  });

  router.get('/report/:reportId/file/:index', async (ctx) => {
    const { reportId, index } = parseInput(EntryParams, ctx.params);
    const { info, bytes } = await reports.entry(reportId, index);
    sendAttachment(ctx, bytes, `pult-${reportId}-file-${index}${asciiExtension(info.name)}`, info.name);
  });

  router.get('/report/:reportId/report.json', async (ctx) => {
    const { reportId } = parseInput(ReportParams, ctx.params);
    const { contents } = await reports.read(reportId);
    if (!contents) throw new NotFoundError(`Архив отчёта ${reportId} не читается: report.json недоступен.`);
    const { bytes } = await reports.entry(reportId, contents.reportJsonIndex, app.config.limits.reportJsonBytes);
    sendAttachment(ctx, bytes, `pult-${reportId}-report.json`, 'report.json', 'application/json; charset=utf-8');
  });
}

function sendAttachment(ctx: import('koa').Context, bytes: Buffer, generated: string, entryName: string, type = 'application/octet-stream') {
  ctx.type = type;
  ctx.set('Content-Disposition', attachmentDisposition(generated, entryName));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = bytes;
}

function flag(v: number | null): boolean | null {
  return v === null ? null : v === 1;
}
