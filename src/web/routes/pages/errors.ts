import type Router from '@koa/router';
import { absoluteBase } from '../../../kserver/links';
import { ErrorsListQuery, errorsListView } from '../../pages/errors-list';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

/** s/errorsList: the unique errors, newest first, filtered and keyset-paged. */
export function errorsRoutes(router: Router, { app, pages, facets }: StaffDeps): void {
  router.get('/errorsList', async (ctx) => {
    const q = parseInput(ErrorsListQuery, ctx.query);
    const view = errorsListView(app.store, facets, q, ctx.state.base);
    const serviceAddress = view.anyErrors ? undefined : await absoluteBase(app.kserver, app.route, ctx.get('host') || undefined);
    const configured = app.settings.get().configurations.length > 0;
    await pages.render(ctx, 'errors-list.njk', 'errors', { view, serviceAddress, configured });
  });
}
