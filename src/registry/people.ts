import type { KServer, Session } from '../kserver/api';
import { KServerError, KServerMethodMissingError } from '../kserver/errors';
import { AccessDeniedError, AccessUncheckableError, ValidationError } from '../errors';
import type { Person } from './problem-status';

/**
 * Who is acting (UserInfo): every change is signed, so an anonymous or unknown session is
 * refused.
 */
export async function whoIs(kserver: KServer, session: Session): Promise<Person> {
  let info;
  try {
    info = await kserver.userInfo(session);
  } catch (err) {
    if (err instanceof KServerError) {
      throw new AccessUncheckableError('Не удалось узнать пользователя KServer, поэтому ничего не изменено.', 'Повторите попытку через минуту.');
    }
    throw err;
  }
  if (!info.authenticated) {
    throw new AccessDeniedError('Изменять ошибки может только пользователь, выполнивший вход в KServer.', 'Войдите в KServer под своим именем и повторите.', { signedIn: false });
  }
  const login = info.login || String(info.id);
  return { login, name: info.name || login, email: info.email || undefined };
}

/** The KServer users a problem can be given to (UserList); empty when the monitor has no list. */
export async function knownPeople(kserver: KServer, session: Session): Promise<Person[]> {
  if (!kserver.has('UserList')) return [];
  try {
    const list = await kserver.userList(session);
    return list
      .filter((u) => !u.disabled)
      .map((u) => {
        const login = u.login || String(u.id);
        return { login, name: u.name || login, email: u.email || undefined };
      });
  } catch (err) {
    if (err instanceof KServerMethodMissingError) return [];
    if (err instanceof KServerError) throw new AccessUncheckableError('Не удалось получить список пользователей KServer.', 'Повторите попытку через минуту.');
    throw err;
  }
}

/** The person a login names: yourself, or a KServer user from UserList; else a clear 400. */
export async function personOf(kserver: KServer, session: Session, me: Person, login: string): Promise<Person> {
  if (login === me.login) return me;
  const found = (await knownPeople(kserver, session)).find((p) => p.login === login);
  if (!found) throw new ValidationError(`Пользователь KServer «${login}» не найден: ответственным можно назначить только пользователя KServer.`, 'owner');
  return found;
}
