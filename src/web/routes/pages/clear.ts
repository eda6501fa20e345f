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
export function clearRoutes(router: Router, { app, pages, facets }: StaffDeps): void {
  const render = (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const state = presentClear(clearState(app.store));
    const plan = state.running ? undefined : presentPlan(planClear(app.store, app.settings.get()));
    return pages.render(ctx, 'clear.njk', 'clear', { ...state, plan, ...extra }, status);
  };

  router.get('/clear', app.access.requireAdmin, async (ctx) => {
    await render(ctx, { started: ctx.query.started === '1' });
  });

  router.post('/clear', app.access.requireAdmin, async (ctx) => {
    const body = parseInput(ClearBody, ctx.request.body);
    if (body.confirm !== 'yes') {
      await render(ctx, { problem: 'Отметьте подтверждение, чтобы удалить данные.' }, 400);
      return;
    }
    const outcome = await startClear(app.store, app.settings.get(), body.plan);
    if (outcome === 'changed') {
      const problem = 'Правила приёма или данные изменились после открытия страницы. Ничего не удалено — проверьте новый список и подтвердите снова.';
      await render(ctx, { problem }, 409);
      return;
    }
    app.jobs.kick();
    facets.invalidate();
    ctx.redirect(`${ctx.state.base}s/clear?started=1`);
    ctx.status = 303;
  });
}
