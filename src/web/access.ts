import type { Context, Next } from 'koa';
import type { KServer } from '../kserver/api';
import { KServerError } from '../kserver/errors';
import type { Logger } from '../log';
import { clientAddress } from '../kserver/client-address';
import { DenialThrottle } from './denial-throttle';
import { AccessDeniedError, AccessUncheckableError } from '../errors';
import { sessionOf, type PickKServerInfo, type RequestSession } from './session';
import { TtlCache } from './ttl-cache';
import type { Person } from '../registry/problem-status';

export interface AccessDeps {
  kserver: KServer;
  pickKServerInfo?: PickKServerInfo;
  features: { read: number; admin: number };
  cacheSeconds: number;
  log: Logger;
}

/** Who is looking, as the header of every page shows it (UserInfo). */
/** The KServer user behind a request: the person pages greet and changes are signed by. */
export type Viewer = Person;

const ANONYMOUS = 'Страницы pult открываются после входа в KServer.';
const ANONYMOUS_HINT = 'Войдите под пользователем, которому выдан доступ к pult, и откройте эту страницу снова.';
const NO_ACCESS_HINT =
  'Попросите администратора KServer выдать вам доступ к pult. Если доступ у вас есть, возможно, сейчас заняты все рабочие места по лицензии — повторите попытку позже.';

/**
 * Guards the s/ area: every request is checked with CheckAccess (reading feature), a
 * granted answer is reused for the same session for about a minute, as the monitor docs
 * advise. Without CheckAccess (the original simulator) the area is closed, never open.
 */
export function createAccess(deps: AccessDeps) {
  const granted = new TtlCache<true>(deps.cacheSeconds * 1000);
  const admins = new TtlCache<boolean>(deps.cacheSeconds * 1000);
  const throttle = new DenialThrottle();
  const viewers = new TtlCache<Viewer | null>(Math.max(deps.cacheSeconds, 1) * 1000);

  /**
   * Who the request's KServer session belongs to (undefined: nobody logged in, or the monitor
   * cannot say). Asked once per request and reused for the access-cache time per session.
   */
  async function viewerOf(ctx: Context): Promise<Viewer | undefined> {
    const found = await lookUpOnce(ctx);
    return found === 'unknown' ? undefined : found;
  }

  /**
   * Who signs a change: the signed-in viewer. Nobody signed in is a 403 that offers to log
   * in; a monitor that cannot say who it is (no UserInfo, or no answer) refuses the change.
   */
  async function actorOf(ctx: Context): Promise<Person> {
    const found = await lookUpOnce(ctx);
    if (found === 'unknown') {
      throw new AccessUncheckableError('Не удалось узнать пользователя KServer, поэтому ничего не изменено.', 'Повторите попытку через минуту.');
    }
    if (!found) {
      throw new AccessDeniedError('Изменять ошибки может только пользователь, выполнивший вход в KServer.', 'Войдите в KServer под своим именем и повторите.', { signedIn: false });
    }
    return found;
  }

  /** UserInfo once per request (and per session for the access-cache time); 'unknown' when the monitor cannot say. */
  async function lookUpOnce(ctx: Context): Promise<Viewer | undefined | 'unknown'> {
    if (!('viewer' in ctx.state)) {
      const rs = (ctx.state.session ??= sessionOf(ctx.req, deps.pickKServerInfo)) as RequestSession;
      ctx.state.viewer = await lookUp(rs);
    }
    return ctx.state.viewer as Viewer | undefined | 'unknown';
  }

  async function lookUp(rs: RequestSession): Promise<Viewer | undefined | 'unknown'> {
    if (!deps.kserver.has('UserInfo')) return 'unknown';
    const cached = rs.cacheKey ? viewers.get(rs.cacheKey) : undefined;
    if (cached !== undefined) return cached ?? undefined;
    let viewer: Viewer | null = null;
    try {
      const info = await deps.kserver.userInfo(rs.session);
      if (info.authenticated) {
        const login = info.login || String(info.id);
        viewer = { login, name: info.name || login, email: info.email || undefined };
      }
    } catch (err) {
      deps.log.warn(`UserInfo не выполнен: ${(err as Error).message}`);
      return 'unknown';
    }
    if (rs.cacheKey) viewers.set(rs.cacheKey, viewer);
    return viewer ?? undefined;
  }

  async function requireReader(ctx: Context, next: Next) {
    if (!deps.kserver.has('CheckAccess')) {
      throw new AccessUncheckableError(
        'Доступ к страницам pult не может быть проверен: монитор не предоставляет метод CheckAccess.',
        'Запустите pult в мониторе KServer версии 6.4 или новее (или в симуляторе из комплекта pult).',
      );
    }
    const rs = sessionOf(ctx.req, deps.pickKServerInfo);
    ctx.state.session = rs;
    if (rs.cacheKey && granted.get(rs.cacheKey)) return next();
    const address = clientAddress(ctx.get('x-kodeks-monitor-remote-addr'));
    try {
      throttle.check(address, rs.cacheKey);
    } catch (err) {
      ctx.set('Retry-After', '60');
      throw err;
    }
    let answer;
    try {
      answer = await deps.kserver.checkAccess(deps.features.read, 0, rs.session);
    } catch (err) {
      deps.log.warn(`CheckAccess не выполнен: ${(err as Error).message}`);
      if (err instanceof KServerError) {
        throw new AccessUncheckableError('Не удалось проверить доступ: монитор KServer не ответил.', 'Повторите попытку через минуту.');
      }
      throw err;
    }
    if (!answer.granted) {
      throttle.denied(address);
      // The monitor's reason names licence numbers and is worded for administrators: it goes
      // to the log; the page says who is looking and what they can do.
      const viewer = await viewerOf(ctx);
      deps.log.info(`доступ к ${ctx.path} не выдан${viewer ? ` пользователю ${viewer.login}` : ' без входа'}: ${answer.reason ?? 'причина не названа'}`);
      if (!viewer) throw new AccessDeniedError(ANONYMOUS, ANONYMOUS_HINT, { signedIn: false });
      throw new AccessDeniedError(`У пользователя «${viewer.name}» нет доступа к страницам pult.`, NO_ACCESS_HINT, { signedIn: true });
    }
    if (rs.cacheKey) granted.set(rs.cacheKey, true);
    throttle.granted(rs.cacheKey);
    ctx.state.canRead = true;
    return next();
  }

  /** Whether the current session may administer (PickPermissions: takes no seat). */
  async function isAdmin(ctx: Context): Promise<boolean> {
    const rs = ctx.state.session ?? sessionOf(ctx.req, deps.pickKServerInfo);
    const cached = rs.cacheKey ? admins.get(rs.cacheKey) : undefined;
    if (cached !== undefined) return cached;
    let allowed = false;
    try {
      if (deps.kserver.has('PickPermissions')) {
        const [p] = await deps.kserver.pickPermissions([deps.features.admin], rs.session);
        allowed = p?.granted === true;
      } else {
        // Older monitors: CheckAccess works too, at the price of an administration seat.
        allowed = (await deps.kserver.checkAccess(deps.features.admin, 0, rs.session)).granted;
      }
    } catch (err) {
      deps.log.warn(`Проверка прав администратора не выполнена: ${(err as Error).message}`);
      return false;
    }
    if (rs.cacheKey) admins.set(rs.cacheKey, allowed);
    return allowed;
  }

  async function requireAdmin(ctx: Context, next: Next) {
    if (!(await isAdmin(ctx))) {
      throw new AccessDeniedError('Это доступно только администраторам pult.', 'Попросите администратора KServer выдать вам право администрирования pult.', { signedIn: true });
    }
    return next();
  }

  return { requireReader, requireAdmin, isAdmin, viewerOf, actorOf };
}
