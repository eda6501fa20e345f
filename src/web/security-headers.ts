import type { Context, Next } from 'koa';

/** Pages show untrusted client text: scripts only from ourselves, no framing. */
export async function securityHeaders(ctx: Context, next: Next) {
  await next();
  if (ctx.response.is('html')) {
    ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
  }
}
