import fs from 'node:fs';
import type Router from '@koa/router';
import { z } from 'zod';
import { knownPeople } from '../../../registry/people';
import type { RequestSession } from '../../session';
import { errorPageView, ReportsQuery } from '../../pages/error-page';
import { problemAnswer } from '../../pages/problem-json';
import { ownerOptions } from '../../pages/present-problem';
import { IdParam } from '../../pages/params';
import { parseInput } from '../../pages/validate';
import { reportZip } from '../../pages/report-zip';
import type { StaffDeps } from '../staff';

const ErrorParams = z.object({ id: IdParam });
const ZipParams = z.object({ id: IdParam, reportId: IdParam });

/** The unique error in `s/reports/N` JSON. */
function errorJson(e: ReturnType<typeof errorPageView>['error']) {
  return {
    id: e.id,
    configName: e.configName,
    configVersion: e.configVersion,
    extensions: e.extensions.map((x) => [x.name, x.hash]),
    texts: e.texts,
    stackHash: e.stackHash,
    detailed: e.detailed,
    reports: e.reportsTotal,
    computers: e.computers,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
  };
}

import { getInfoView } from '../../pages/getinfo-view';

/** s/reports/N (HTML, or JSON: its error, problem and state) and the zips of its reports. */
export function reportsRoutes(router: Router, { app, pages }: StaffDeps): void {
  router.get('/reports/:id', async (ctx) => {
    const { id } = parseInput(ErrorParams, ctx.params);
    const q = parseInput(ReportsQuery, ctx.query);
    const view = errorPageView(app.store, id, q, ctx.state.base);
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.set('Cache-Control', 'no-store');
      const { problem, state } = view.problem ? problemAnswer(app.store, view.problem.id) : { problem: null, state: null };
      ctx.body = { error: errorJson(view.error), problem, state };
      return;
    }
    // Whom the problem can be given to: the KServer users (none listed: only yourself).
    const [people, me] = await Promise.all([
      knownPeople(app.kserver, (ctx.state.session as RequestSession).session).catch(() => []),
      pages.viewerOf(ctx),
    ]);
    const owners = ownerOptions(people, view.problem?.owner ?? null, me);
    const getInfo = view.problem ? getInfoView(app.store, app.settings.get(), app.unasked, view.problem.id) : undefined;
    await pages.render(ctx, 'reports.njk', 'errors', { view, owners, getInfo });
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
