import type { KServer, Session } from '../kserver/api';
import { KServerError, KServerMethodMissingError } from '../kserver/errors';
import { AccessUncheckableError, ValidationError } from '../errors';
import type { Person } from './problem-status';

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
