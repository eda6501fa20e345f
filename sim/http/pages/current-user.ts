// The user whose Kodeks cookie came with a request to the simulator's own pages.
import type { IncomingMessage } from 'node:http';
import type { HostState } from '../../api/index';
import type { UserConfig } from '../../config';
import { sessionFromCookieHeader } from '../../shared/cookie';
import { esc } from '../html';

export function currentUser(req: IncomingMessage, host: HostState): { session?: number; user?: UserConfig } {
  const session = sessionFromCookieHeader(req.headers.cookie);
  const user = host.sessions.userOf(session === undefined ? {} : { session });
  return { ...(session === undefined ? {} : { session }), ...(user ? { user } : {}) };
}

/** One line: who you are now, with a link to log in or out. */
export function whoAmI(req: IncomingMessage, host: HostState): string {
  const { session, user } = currentUser(req, host);
  if (user) {
    return `<p>Вы вошли как <b>${esc(user.name || user.login)}</b> (${esc(user.login)}, сессия ${esc(session)}). <a href="/_sim/logout">Выйти</a></p>`;
  }
  const stale = session === undefined ? '' : ` Сессия ${esc(session)} из cookie неизвестна.`;
  return `<p>Вы не вошли.${stale} <a href="/_sim/login">Войти</a></p>`;
}
