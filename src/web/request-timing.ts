import type { Context, Next } from 'koa';
import type { RequestTimes } from '../diagnostics/request-times';

/**
 * Records how long a route took, up to the answer handed to the socket (so a refusal
 * rendered by the error handler counts too). No-op without a recorder (tests).
 */
export function timed(times: RequestTimes | undefined, name: string) {
  return async function timeRequest(ctx: Context, next: Next) {
    if (!times) return next();
    const started = performance.now();
    ctx.res.once('finish', () => times.record(name, performance.now() - started));
    await next();
  };
}
