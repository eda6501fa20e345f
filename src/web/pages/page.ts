import type { Context } from 'koa';
import type { AppContext } from '../context';
import type { RequestSession } from '../session';
import { TtlCache } from '../ttl-cache';

export interface Viewer {
  login: string;
  name: string;
}

export type Section = 'errors' | 'settings' | 'clear' | 'status';

/**
 * Renders an s/ page with what every one of them shows: who is looking (UserInfo, reused
 * for the access-cache time per session), whether they administer (admin-only controls),
 * the CSRF token for forms, the section for the menu.
 */
export function createPages(app: AppContext) {
  const viewers = new TtlCache<Viewer | null>(Math.max(app.config.accessCacheSeconds, 1) * 1000);

  async function viewerOf(ctx: Context): Promise<Viewer | undefined> {
    const rs = ctx.state.session as RequestSession | undefined;
    if (!rs || !app.kserver.has('UserInfo')) return undefined;
    const cached = rs.cacheKey ? viewers.get(rs.cacheKey) : undefined;
    if (cached !== undefined) return cached ?? undefined;
    let viewer: Viewer | null = null;
    try {
      const info = await app.kserver.userInfo(rs.session);
      if (info.authenticated) {
        const login = info.login || String(info.id);
        viewer = { login, name: info.name || login };
      }
    } catch (err) {
      app.log.warn(`UserInfo не выполнен: ${(err as Error).message}`);
      return undefined;
    }
    if (rs.cacheKey) viewers.set(rs.cacheKey, viewer);
    return viewer ?? undefined;
  }

  async function render(ctx: Context, template: string, section: Section, data: Record<string, unknown>, status = 200): Promise<void> {
    const [user, isAdmin] = await Promise.all([viewerOf(ctx), app.access.isAdmin(ctx)]);
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = app.renderer.render(template, {
      ...data,
      base: ctx.state.base,
      user,
      isAdmin,
      section,
      csrfToken: ctx.state.csrfToken,
      here: ctx.path + ctx.search,
    });
  }

  return { render, viewerOf };
}

export type Pages = ReturnType<typeof createPages>;
