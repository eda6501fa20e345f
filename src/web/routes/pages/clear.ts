import type Router from '@koa/router';
import { z } from 'zod';
import { clearUnaccepted, planClear } from '../../../registry/clear';
import { presentPlan, presentResult } from '../../pages/clear-view';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

const ClearBody = z.object({
  plan: z.string().regex(/^[0-9a-f]{32}$/, 'форма устарела: откройте страницу очистки заново'),
  confirm: z.string().optional(),
});

/**
 * s/clear (administrators): shows what the current rules no longer accept and asks;
 * the POST removes exactly the plan that was shown, or shows the new one if the rules
 * changed meanwhile.
 */
export function clearRoutes(router: Router, { app, pages, facets }: StaffDeps): void {
  router.get('/clear', app.access.requireAdmin, async (ctx) => {
    const plan = planClear(app.store, app.settings.get());
    await pages.render(ctx, 'clear.njk', 'clear', { plan: presentPlan(plan) });
  });

  router.post('/clear', app.access.requireAdmin, async (ctx) => {
    const body = parseInput(ClearBody, ctx.request.body);
    if (body.confirm !== 'yes') {
      const plan = planClear(app.store, app.settings.get());
      await pages.render(ctx, 'clear.njk', 'clear', { plan: presentPlan(plan), problem: 'Отметьте подтверждение, чтобы удалить данные.' }, 400);
      return;
    }
    const outcome = await clearUnaccepted({ store: app.store, zips: app.zips, settings: app.settings, log: app.log }, body.plan);
    facets.invalidate();
    if (outcome.kind === 'changed') {
      const problem = 'Правила приёма или данные изменились после открытия страницы. Ничего не удалено — проверьте новый список и подтвердите снова.';
      await pages.render(ctx, 'clear.njk', 'clear', { plan: presentPlan(outcome.plan), problem }, 409);
      return;
    }
    await pages.render(ctx, 'clear.njk', 'clear', { result: presentResult(outcome.result) });
  });
}
