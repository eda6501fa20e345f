import type { Context, Next } from 'koa';

/**
 * Pages show untrusted client text: scripts only from ourselves, no framing. Every answer
 * (JSON to 1C and scripts, zips, pages) is taken as the type it says, never sniffed.
 */
export async function securityHeaders(ctx: Context, next: Next) {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.response.is('html')) {
    ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    ctx.set('Referrer-Policy', 'same-origin');
  }
}
