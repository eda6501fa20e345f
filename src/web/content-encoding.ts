import type { Context, Next } from 'koa';
import { UnsupportedEncodingError } from '../errors';

/**
 * Bodies are read as sent: neither the 1C platform nor our forms compress them, and an
 * inflated body would escape the byte limits. Any Content-Encoding but identity is
 * refused with 415 for every route (koa-body's inflater turned a bogus gzip into a 500).
 */
export async function refuseEncodedBodies(ctx: Context, next: Next) {
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new UnsupportedEncodingError('Сжатое тело запроса (Content-Encoding) не принимается: отправьте его без сжатия');
  }
  await next();
}
