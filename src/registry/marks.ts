import type { KServer, Session } from '../kserver/api';
import { KServerError } from '../kserver/errors';
import { writeMark, type MarkRow } from '../storage/marks-repo';
import type { Store } from '../storage/store';
import { AccessDeniedError, AccessUncheckableError, NotFoundError } from '../errors';

export type Mark = MarkRow;

export interface MarkDeps {
  store: Store;
  kserver: KServer;
}

export interface MarkChange {
  errorId: number;
  action: 'set' | 'clear';
  session: Session;
}

/**
 * Sets or clears an error's label ("handled"). Both are signed: the KServer user who did
 * it must be known (UserInfo), so an anonymous or unknown session is refused. Setting
 * records who and when (UTC); clearing leaves no one's name behind.
 */
export async function changeMark(deps: MarkDeps, change: MarkChange, now: Date = new Date()): Promise<Mark | null> {
  const who = await whoIs(deps.kserver, change.session);
  const mark = change.action === 'set' ? { login: who.login, name: who.name, at: now.toISOString() } : null;
  const found = await deps.store.write((db) => writeMark(db, change.errorId, mark));
  if (!found) throw new NotFoundError(`Ошибка №${change.errorId} не найдена.`);
  return mark;
}

async function whoIs(kserver: KServer, session: Session): Promise<{ login: string; name: string }> {
  let info;
  try {
    info = await kserver.userInfo(session);
  } catch (err) {
    if (err instanceof KServerError) {
      throw new AccessUncheckableError('Не удалось узнать пользователя KServer, поэтому отметка не изменена.', 'Повторите попытку через минуту.');
    }
    throw err;
  }
  if (!info.authenticated) {
    throw new AccessDeniedError(
      'Отметку может ставить и снимать только пользователь, выполнивший вход в KServer.',
      'Войдите в KServer под своим именем и повторите.',
      { signedIn: false },
    );
  }
  const login = info.login || String(info.id);
  return { login, name: info.name || login };
}
