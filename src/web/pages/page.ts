import type { Context } from 'koa';
import type { AppContext } from '../context';

export type { Viewer } from '../access';

export type Section = 'errors' | 'settings' | 'clear' | 'status';

/**
 * Renders an s/ page with what every one of them shows: who is looking (UserInfo, reused
 * for the access-cache time per session), whether they administer (admin-only controls),
 * the CSRF token for forms, the section for the menu.
 */
export function createPages(app: AppContext) {
  /** Who is looking: UserInfo, reused per session (see access.ts). */
  const viewerOf = (ctx: Context) => app.access.viewerOf(ctx);

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
