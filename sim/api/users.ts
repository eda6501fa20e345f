// Sessions and users: who a session belongs to, UserInfo and UserList.
import { randomInt } from 'node:crypto';
import type { SimConfig, UserConfig } from '../config';
import { toSession, type SessionRef } from './args';

/** A user as KServer presents it to a plugin. */
export interface UserRecord {
  id: string | number;
  login: string;
  groups: { id: string | number; name: string }[];
  name: string;
  email: string;
  department: string;
  position: string;
  disabled: boolean;
  expired: boolean;
}

/** The sessions of the simulated server: the configured ones plus those the login page makes. */
export class SessionStore {
  private readonly byId = new Map<number, string>();

  constructor(private readonly config: SimConfig) {
    for (const s of config.sessions) this.byId.set(s.id, s.user);
  }

  /** Opens a new session for a configured login and returns its id (the cookie value). */
  open(login: string): number {
    if (!this.config.users.some((u) => u.login === login)) throw new Error(`unknown login ${login}`);
    let id: number;
    do id = randomInt(100_000_000, 999_999_999);
    while (this.byId.has(id));
    this.byId.set(id, login);
    return id;
  }

  close(id: number): void {
    this.byId.delete(id);
  }

  /** The user of a session, or undefined for an absent or unknown session. */
  userOf(ref: SessionRef): UserConfig | undefined {
    if (ref.session === undefined) return undefined;
    const login = this.byId.get(ref.session);
    return login === undefined ? undefined : this.config.users.find((u) => u.login === login);
  }
}

export function presentUser(config: SimConfig, user: UserConfig): UserRecord {
  return {
    id: user.id,
    login: user.login,
    groups: user.groups.map((id) => ({ id, name: config.groups.find((g) => String(g.id) === String(id))?.name ?? '' })),
    name: user.name,
    email: user.email,
    department: user.department,
    position: user.position,
    disabled: user.disabled,
    expired: user.expired,
  };
}

/** UserInfo(session): unknown or absent sessions are not authenticated; `ip` is the client's, or "". */
export function userInfo(config: SimConfig, sessions: SessionStore, args: unknown[]) {
  const ref = toSession(args[0]);
  const user = sessions.userOf(ref);
  if (!user) return { authenticated: false, ip: ref.ip ?? '' };
  return { authenticated: true, ...presentUser(config, user) };
}

/**
 * UserList(session): every configured user for an authenticated session; an empty array for
 * an anonymous one (the docs allow an empty list; real KServer's rule is unknown).
 */
export function userList(config: SimConfig, sessions: SessionStore, args: unknown[]): UserRecord[] {
  if (!sessions.userOf(toSession(args[0]))) return [];
  return config.users.map((u) => presentUser(config, u));
}
