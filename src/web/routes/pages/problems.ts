import type Router from '@koa/router';
import { z } from 'zod';
import { mergeProblems, splitError } from '../../../registry/problem-merge';
import { changeProblemState } from '../../../registry/problem-state';
import { BULK_MAX, changeStates } from '../../../registry/problem-bulk';
import { STATUSES } from '../../../registry/problem-status';
import type { ProblemRow } from '../../../storage/problems-repo';
import type { Context } from 'koa';
import type { RequestSession } from '../../session';
import { safeBack } from '../../pages/back';
import { IdParam } from '../../pages/params';
import { problemAnswer } from '../../pages/problem-json';
import { parseInput } from '../../pages/validate';
import type { StaffDeps } from '../staff';

const blank = (v: unknown) => (v === '' ? undefined : v);
const Params = z.object({ id: IdParam });
const Rev = z.string({ error: 'не указана ревизия' }).regex(/^\d{1,15}$/, 'ожидается номер ревизии').transform(Number);

/** The contract of README «Проблемы: состояние, история, JSON». */
const StateBody = z.object({
  rev: Rev,
  status: z.preprocess(blank, z.enum(STATUSES, { error: 'ожидается new, in-work, fixed, wontfix или regression' }).optional()),
  owner: z.string().max(200, 'слишком длинный логин').optional(),
  fixedIn: z.preprocess(blank, z.string().max(50, 'слишком длинная версия').optional()),
  reason: z.preprocess(blank, z.string().max(2000, 'причина длиннее 2000 знаков').optional()),
  // A checkbox after a hidden "0" arrives as ["0", "1"]: the last value wins.
  noMoreReports: z.preprocess(
    (v) => (Array.isArray(v) ? v[v.length - 1] : blank(v)),
    z.enum(['0', '1', 'on', 'true', 'false'], { error: 'noMoreReports: ожидается 1 или 0' }).transform((v) => v === '1' || v === 'on' || v === 'true').optional(),
  ),
  comment: z.string().max(10_000, 'комментарий длиннее 10 000 знаков').optional(),
  back: z.string().optional(),
});
/** The list's bulk form: `sel` = "N:rev" per ticked problem (N any of its unique errors). */
const BulkBody = z.object({
  sel: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^\d{1,15}:\d{1,15}$/, 'ожидается номер:ревизия')).min(1, 'не отмечено ни одной проблемы').max(BULK_MAX, `не больше ${BULK_MAX} проблем за раз`)),
  status: z.enum(STATUSES, { error: 'ожидается new, in-work, fixed, wontfix или regression' }),
  reason: z.preprocess(blank, z.string().max(2000, 'причина длиннее 2000 знаков').optional()),
  back: z.string().optional(),
});
const MergeBody = z.object({ rev: Rev, into: IdParam, back: z.string().optional() });
const SplitBody = z.object({ rev: Rev, back: z.string().optional() });

/**
 * Changes of a problem, addressed by any of its unique errors N: its state and comments,
 * merging it into another problem, splitting N out. A form gets 303 back; a program
 * (Accept: application/json) gets `{problem, state}`. A stale `rev` is a 409 (see ConflictError).
 */
export function problemsRoutes(router: Router, { app, flash }: StaffDeps): void {
  const deps = { store: app.store, kserver: app.kserver };
  const sessionOf = (ctx: Context) => (ctx.state.session as RequestSession).session;

  router.post('/errors/:id/state', async (ctx) => {
    const { id } = parseInput(Params, ctx.params);
    const body = parseInput(StateBody, ctx.request.body);
    const problem = await changeProblemState(deps, { errorId: id, ...body }, await app.access.actorOf(ctx), sessionOf(ctx));
    answer(ctx, problem, id, body.back);
  });

  // Bulk: every ticked problem by the state rules of /errors/N/state with its own revision.
  router.post('/problems/bulk', async (ctx) => {
    const body = parseInput(BulkBody, ctx.request.body);
    const items = body.sel.map((s) => s.split(':').map(Number) as [number, number]).map(([errorId, rev]) => ({ errorId, rev }));
    const result = await changeStates(deps, items, { status: body.status, reason: body.reason }, await app.access.actorOf(ctx), sessionOf(ctx));
    const base = ctx.state.base as string;
    const list = `${base}s/errorsList`;
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = result;
      return;
    }
    flash.leave(ctx, list, result.conflicts ? 'bulk-conflict' : result.refused ? 'bulk-refused' : 'bulk-done');
    ctx.redirect(safeBack(body.back, base, list));
    ctx.status = 303;
  });

  router.post('/errors/:id/merge', async (ctx) => {
    const { id } = parseInput(Params, ctx.params);
    const body = parseInput(MergeBody, ctx.request.body);
    const problem = await mergeProblems(deps, { errorId: id, rev: body.rev, intoErrorId: body.into }, await app.access.actorOf(ctx));
    answer(ctx, problem, id, body.back);
  });

  router.post('/errors/:id/split', async (ctx) => {
    const { id } = parseInput(Params, ctx.params);
    const body = parseInput(SplitBody, ctx.request.body);
    const problem = await splitError(deps, { errorId: id, rev: body.rev }, await app.access.actorOf(ctx));
    answer(ctx, problem, id, body.back);
  });

  // The old label's address (before problems): nothing changes without a revision, so a
  // form left open from then is taken to the error page, where the state can be set.
  router.post('/errors/:id/mark', (ctx) => {
    const { id } = parseInput(Params, ctx.params);
    ctx.redirect(`${ctx.state.base}s/reports/${id}#problem`);
    ctx.status = 303;
  });

  function answer(ctx: Context, problem: ProblemRow, errorId: number, back: string | undefined): void {
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = problemAnswer(app.store, problem.id);
      return;
    }
    const base = ctx.state.base as string;
    ctx.redirect(safeBack(back, base, `${base}s/reports/${errorId}#problem`));
    ctx.status = 303;
  }
}
