import type Router from '@koa/router';
import { z } from 'zod';
import { changeMark } from '../../../registry/marks';
import type { RequestSession } from '../../session';
import { safeBack } from '../../pages/back';
import { IdParam } from '../../pages/params';
import { presentMark } from '../../pages/present';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

const MarkParams = z.object({ id: IdParam });
const MarkBody = z.object({
  action: z.enum(['set', 'clear'], { error: 'ожидается set или clear' }),
  back: z.string().optional(),
});

/**
 * Setting or clearing an error's label. A plain form gets 303 back to the page it came
 * from; the page script (Accept: application/json) gets `{mark}` and updates the cell.
 */
export function marksRoutes(router: Router, { app }: StaffDeps): void {
  router.post('/errors/:id/mark', async (ctx) => {
    const { id } = parseInput(MarkParams, ctx.params);
    const body = parseInput(MarkBody, ctx.request.body);
    const session = (ctx.state.session as RequestSession).session;
    const mark = await changeMark({ store: app.store, kserver: app.kserver }, { errorId: id, action: body.action, session });
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { mark: presentMark(mark) };
      return;
    }
    const base = ctx.state.base as string;
    ctx.redirect(safeBack(body.back, base, `${base}s/reports/${id}`));
    ctx.status = 303;
  });
}
