// /_sim/login — become a configured user: sets the Kodeks session cookie. /_sim/logout ends it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostState } from '../../api/index';
import { SESSION_COOKIE } from '../../shared/cookie';
import { esc, page, readForm, redirect, sendHtml } from '../html';
import { currentUser, whoAmI } from './current-user';

/** Only a path on this server may be a redirect target (no scheme, no //host). */
export function localNext(next: string | null): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/_sim/';
}

export function loginForm(req: IncomingMessage, res: ServerResponse, host: HostState, url: URL, error = ''): void {
  const next = localNext(url.searchParams.get('next'));
  const groupName = (id: string | number) => host.config.groups.find((g) => String(g.id) === String(id))?.name ?? String(id);
  const users = host.config.users
    .map((u, i) => {
      const marks = [u.disabled ? 'заблокирован' : '', u.expired ? 'срок учётной записи истёк' : ''].filter(Boolean);
      const groups = u.groups.map(groupName).join(', ') || 'без групп';
      return `<label><input type="radio" name="login" value="${esc(u.login)}"${i === 0 ? ' checked' : ''}>
<b>${esc(u.name || u.login)}</b> (${esc(u.login)}) — ${esc(groups)}${marks.length ? ` <span class="bad">${esc(marks.join(', '))}</span>` : ''}</label>`;
    })
    .join('\n');
  const body = `${whoAmI(req, host)}
${error ? `<p class="bad">${esc(error)}</p>` : ''}
${users ? `<form method="post" action="/_sim/login"><input type="hidden" name="next" value="${esc(next)}">
${users}
<p><button type="submit">Войти</button></p></form>` : '<p>В конфигурации нет пользователей.</p>'}
<p class="muted">Вход ставит cookie ${esc(SESSION_COOKIE)} с номером новой сессии; после входа — переход на ${esc(next)}.</p>`;
  sendHtml(res, error ? 400 : 200, page('Вход в симулятор KServer', body));
}

export async function login(req: IncomingMessage, res: ServerResponse, host: HostState, url: URL): Promise<void> {
  const form = await readForm(req);
  const loginName = form.get('login') ?? '';
  if (!host.config.users.some((u) => u.login === loginName)) {
    url.searchParams.set('next', localNext(form.get('next')));
    loginForm(req, res, host, url, `Нет пользователя с логином «${loginName}».`);
    return;
  }
  const session = host.sessions.open(loginName);
  host.log.info(`вход: ${loginName}, сессия ${session}`);
  redirect(res, localNext(form.get('next')), {
    'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`,
  });
}

export function logout(req: IncomingMessage, res: ServerResponse, host: HostState): void {
  const { session, user } = currentUser(req, host);
  if (session !== undefined) host.sessions.close(session);
  if (user) host.log.info(`выход: ${user.login}, сессия ${session}`);
  redirect(res, '/_sim/login', { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
}
