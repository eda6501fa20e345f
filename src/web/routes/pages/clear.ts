import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { clearState, planClear, startClear } from '../../../registry/clear';
import { presentClear, presentPlan } from '../../pages/clear-view';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

const ClearBody = z.object({
  plan: z.string().regex(/^[0-9a-f]{32}$/, 'форма устарела: откройте страницу очистки заново'),
  confirm: z.string().optional(),
});

/**
 * s/clear (administrators): shows what the current rules no longer accept and asks; the
 * POST records exactly the plan that was shown (or shows the new one if the rules changed)
 * and the removal runs in the background, its progress on this page.
 */
export function clearRoutes(router: Router, { app, pages, facets, flash }: StaffDeps): void {
  const render = (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const state = presentClear(clearState(app.store));
    const plan = state.running ? undefined : presentPlan(planClear(app.store, app.settings.get()));
    return pages.render(ctx, 'clear.njk', 'clear', { ...state, plan, ...extra }, status);
  };

  router.get('/clear', app.access.requireAdmin, async (ctx) => {
    await render(ctx, { flash: flash.take(ctx) });
  });

  router.post('/clear', app.access.requireAdmin, async (ctx) => {
    const body = parseInput(ClearBody, ctx.request.body);
    if (body.confirm !== 'yes') {
      await render(ctx, { problem: 'Отметьте подтверждение, чтобы удалить данные.' }, 400);
      return;
    }
    const outcome = await startClear(app.store, app.settings, body.plan);
    if (outcome === 'started') {
      app.jobs.kick();
      facets.invalidate();
    }
    // Every outcome ends in a GET (POST → 303 → GET): F5 reloads the page, never the form, and
    // the message (a one-time cookie, nothing in the URL) is not shown a second time.
    const page = `${ctx.state.base}s/clear`;
    flash.leave(ctx, page, `clear-${outcome}`);
    ctx.redirect(page);
    ctx.status = 303;
  });
}
