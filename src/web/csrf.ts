import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { CsrfError } from '../errors';

export const CSRF_COOKIE = 'pult_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfOptions {
  /** The cookie's Path: `/<route>/`. */
  cookiePath: string;
  /**
   * The HMAC key. Default: random per process — a restart only makes forms opened before
   * it fail once with "обновите страницу" (nothing to keep on disk, nothing to leak).
   */
  secret?: Buffer;
}

/**
 * Double-submit protection for the s/ area. A random HttpOnly, SameSite=Strict cookie is
 * set on the first page; forms carry HMAC(secret, cookie) in a hidden field (scripts in
 * the X-CSRF-Token header). A forger can neither read the cookie nor, without the secret,
 * turn a cookie it planted into a valid token. A POST whose Origin is present and names
 * another host, or that the browser marks as cross-site, is refused outright.
 */
export function createCsrf(options: CsrfOptions) {
  const secret = options.secret ?? randomBytes(32);
  // Bound to the KServer session as well as the cookie: a (cookie, token) pair taken from
  // one user's browser is worth nothing in another user's session.
  const tokenFor = (cookieValue: string, session = '') =>
    createHmac('sha256', secret).update(`pult-csrf:${session}:${cookieValue}`).digest('base64url');

  /** Safe methods: make sure the cookie exists, expose the token to templates. Others: check where they come from. */
  async function gate(ctx: Context, next: Next) {
    if (SAFE_METHODS.has(ctx.method)) {
      let value = ctx.cookies.get(CSRF_COOKIE);
      if (!value || !COOKIE_VALUE.test(value)) {
        value = randomBytes(32).toString('base64url');
        ctx.cookies.set(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: options.cookiePath, overwrite: true });
      }
      ctx.state.csrfToken = tokenFor(value, sessionOf(ctx));
      return next();
    }
    if (!sameOrigin(ctx)) throw new CsrfError();
    return next();
  }

  /** Unsafe methods, after the body is parsed: the token must match the cookie. */
  async function verify(ctx: Context, next: Next) {
    if (SAFE_METHODS.has(ctx.method)) return next();
    const value = ctx.cookies.get(CSRF_COOKIE);
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const supplied = ctx.get(CSRF_HEADER) || (typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '');
    if (!value || !COOKIE_VALUE.test(value) || !equalSecrets(supplied, tokenFor(value, sessionOf(ctx)))) throw new CsrfError();
    ctx.state.csrfToken = tokenFor(value, sessionOf(ctx));
    return next();
  }

  return { gate, verify, tokenFor };
}

/** The KServer session id when the monitor told us (see web/session.ts); nothing else is stable. */
function sessionOf(ctx: Context): string {
  const key = (ctx.state.session as { cacheKey?: string } | undefined)?.cacheKey;
  return key?.startsWith('s:') ? key : '';
}

/**
 * For a GET that costs something (a database copy): refused when the browser says another
 * site made the request (an <img> elsewhere in an administrator's browser). A request with
 * no such header (a script, curl) is the administrator's own.
 */
export function requireOwnSite(ctx: Context, next: Next): Promise<unknown> {
  if (!sameOrigin(ctx)) throw new CsrfError();
  return next();
}

function sameOrigin(ctx: Context): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return false; // a sibling host is not us either
  const origin = ctx.get('origin');
  if (!origin) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" and anything unreadable
  }
  return host !== '' && host.toLowerCase() === ctx.get('host').toLowerCase();
}

/** Compares two secrets in constant time. */
export function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
