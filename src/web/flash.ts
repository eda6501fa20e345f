import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { equalSecrets } from './csrf';

/** The one-time messages a POST may leave for the page it redirects to. */
export const FLASHES = ['settings-saved', 'clear-started', 'clear-already', 'clear-running', 'clear-changed', 'bulk-done', 'bulk-conflict', 'bulk-refused'] as const;
export type Flash = (typeof FLASHES)[number];

const COOKIE = 'pult_flash';
/** Long enough for the redirect to arrive, short enough that a later visit never sees it. */
const LIFETIME_SECONDS = 60;

/**
 * POST → 303 → GET with a message shown once, without anything in the URL: the POST sets a
 * short-lived signed cookie whose Path is exactly the page redirected to; that page's GET
 * takes it (and deletes it), so F5, a bookmark or a copied address never show it again.
 * Works without script. Signed so that a cookie planted by a sibling site cannot make a page
 * claim something happened.
 */
export function createFlash(secret: Buffer = randomBytes(32)) {
  const sign = (text: string) => createHmac('sha256', secret).update(`pult-flash:${text}`).digest('base64url');

  /** Leaves `flash` for the next GET of `pagePath` (an absolute path such as /pult/s/settings). */
  function leave(ctx: Context, pagePath: string, flash: Flash): void {
    const payload = `${flash}.${Date.now() + LIFETIME_SECONDS * 1000}`;
    ctx.cookies.set(COOKIE, `${payload}.${sign(payload)}`, {
      path: pagePath,
      httpOnly: true,
      sameSite: 'strict',
      maxAge: LIFETIME_SECONDS * 1000,
      overwrite: true,
    });
  }

  /** The message left for this page, if any, valid and not expired; it is deleted either way. */
  function take(ctx: Context): Flash | undefined {
    const value = ctx.cookies.get(COOKIE);
    if (value === undefined) return undefined;
    ctx.cookies.set(COOKIE, '', { path: ctx.path, httpOnly: true, sameSite: 'strict', maxAge: 0, overwrite: true });
    const m = /^([a-z-]{1,40})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m) return undefined;
    const [, flash, until, mac] = m;
    if (!equalSecrets(mac!, sign(`${flash}.${until}`)) || Number(until) < Date.now()) return undefined;
    return (FLASHES as readonly string[]).includes(flash!) ? (flash as Flash) : undefined;
  }

  return { leave, take };
}

export type FlashMessages = ReturnType<typeof createFlash>;

