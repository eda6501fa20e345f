import type { Context, Next } from 'koa';
import type { Logger } from '../log';
import { AccessDeniedError, AppError, ConflictError } from '../errors';
import type { Viewer } from './access';
import { StorageClosedError, StorageFailedError } from '../storage/engine';
import type { Renderer } from './render';

interface Shaped {
  status: number;
  code: string;
  message: string;
  hint?: string;
  /** Seconds for Retry-After: the request may succeed later, unchanged. */
  retryAfter?: number;
}

/** How long a 1C client is asked to wait when the store cannot take writes. */
const STORAGE_RETRY_SECONDS = 60;

const GENERIC: Record<number, string> = {
  400: 'Некорректный запрос',
  404: 'Страница не найдена',
  405: 'Метод не поддерживается',
  413: 'Слишком большой запрос',
  415: 'Неподдерживаемый тип содержимого',
  500: 'Внутренняя ошибка сервиса. Подробности записаны в журнал плагина.',
  503: 'Хранилище отчётов сейчас недоступно: изменения не сохраняются. Повторите позже; администратору — подробности в журнале плагина.',
};

/** Turns any error into a status and a text a person may see, without leaking internals. */
export function shapeError(err: unknown): Shaped {
  if (err instanceof AppError) {
    return {
      status: err.status,
      code: err.code,
      message: err.expose ? err.message : GENERIC[500]!,
      hint: err.expose ? err.hint : undefined,
    };
  }
  // The store stopped taking writes (disk failure) or is closed (shutdown): nothing the client
  // did wrong, and the same request may succeed once the administrator has fixed it.
  if (err instanceof StorageFailedError || err instanceof StorageClosedError) {
    return { status: 503, code: 'storage-unavailable', message: GENERIC[503]!, retryAfter: STORAGE_RETRY_SECONDS };
  }
  // http-errors from Koa and its middleware (koa-body's 413, ctx.throw): their texts are English.
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    return { status, code: 'http-' + status, message: GENERIC[status] ?? GENERIC[400]! };
  }
  return { status: 500, code: 'internal', message: GENERIC[500]! };
}

/**
 * The one place errors become responses: JSON for the 1C platform and scripts, an HTML
 * page for people (chosen by the route's `ctx.state.json` or by Accept).
 */
export function errorHandler(deps: {
  log: Logger;
  renderer: Renderer;
  /** Who is looking (for the header of the error page). */
  viewerOf?: (ctx: Context) => Promise<Viewer | undefined>;
  /** The login page for a visitor who is not logged in, given the address to come back to. */
  loginHref?: (next: string) => string;
}) {
  /**
   * What an error page shows around the message: who is looking (when a KServer session was
   * seen), the menu only to someone who may read the s/ pages (else every link is another 403),
   * a login link only to a visitor who is not logged in.
   */
  async function pageOf(ctx: Context, err: unknown) {
    let user: Viewer | undefined;
    if (deps.viewerOf && ctx.state.session) {
      try {
        user = await deps.viewerOf(ctx);
      } catch {
        user = undefined; // the error page renders whatever the monitor does
      }
    }
    const anonymous = err instanceof AccessDeniedError && !err.who.signedIn;
    const back = ctx.method === 'GET' ? ctx.originalUrl : `${ctx.state.base ?? '/'}s/errorsList`;
    return { user, canRead: ctx.state.canRead === true, loginHref: anonymous && deps.loginHref ? deps.loginHref(back) : undefined };
  }

  return async function handleErrors(ctx: Context, next: Next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw Object.assign(new Error('not found'), { status: 404 });
    } catch (err) {
      const shaped = shapeError(err);
      if (shaped.status >= 500) {
        // Our own 5xx (503 "unavailable") are expected states: one line; anything else: the stack.
        if (err instanceof AppError) deps.log.warn(`${ctx.method} ${ctx.path} → ${shaped.status}: ${err.message}`);
        else deps.log.error(`${ctx.method} ${ctx.path} → ${shaped.status}`, err);
      }
      ctx.status = shaped.status;
      if (shaped.retryAfter !== undefined) ctx.set('Retry-After', String(shaped.retryAfter));
      const wantsJson = ctx.state.json === true || ctx.accepts('html', 'json') === 'json';
      if (wantsJson) {
        ctx.body = { error: shaped.message, code: shaped.code, ...(err instanceof ConflictError ? err.details : {}) };
      } else {
        ctx.type = 'html';
        ctx.body = deps.renderer.render('error.njk', { error: shaped, base: ctx.state.base, ...(await pageOf(ctx, err)) });
      }
    }
  };
}
