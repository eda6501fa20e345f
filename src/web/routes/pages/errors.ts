import type Router from '@koa/router';
import { absoluteBase } from '../../../kserver/links';
import { ErrorsListQuery, errorsListView } from '../../pages/errors-list';
import { problemsListJson } from '../../pages/present-problem';
import { problemsListView } from '../../pages/problems-list';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

/**
 * s/errorsList: the problems (default) or, with view=errors, the unique errors; newest
 * first, filtered and keyset-paged. `Accept: application/json` gets `{items, next}`.
 */
export function errorsRoutes(router: Router, { app, pages, facets, flash }: StaffDeps): void {
  router.get('/errorsList', async (ctx) => {
    const q = parseInput(ErrorsListQuery, ctx.query);
    const viewer = q.owner === 'me' ? (await pages.viewerOf(ctx))?.login : undefined;
    // The problems' orders and the search index as of now (registry/deferred-indexes.ts).
    if (q.view === 'problems') await app.indexes.catchUp();
    if (q.view === 'problems' && ctx.accepts('html', 'json') === 'json') {
      const list = problemsListView(app.store, app.indexes.orders, facets, q, ctx.state.base, viewer);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = problemsListJson(list);
      return;
    }
    const view = q.view === 'errors' ? errorsListView(app.store, facets, q, ctx.state.base) : problemsListView(app.store, app.indexes.orders, facets, q, ctx.state.base, viewer);
    const serviceAddress = view.anyErrors ? undefined : await absoluteBase(app.kserver, app.route, ctx.get('host') || undefined);
    const configured = app.settings.get().configurations.length > 0;
    const template = q.view === 'errors' ? 'errors-list.njk' : 'problems-list.njk';
    await pages.render(ctx, template, 'errors', { view, serviceAddress, configured, flash: flash.take(ctx) });
  });
}
