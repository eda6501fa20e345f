import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Session } from '../kserver/api';

/** `global.pickKServerInfo` of the monitor: sets `req.KServer = {session}`. May be missing. */
export type PickKServerInfo = (req: IncomingMessage) => void;

export interface RequestSession {
  /** What the monitor API gets: the session id when the monitor told us, else the request. */
  session: Session;
  /** A key for per-session caches; undefined when the request carries nothing to tell it by. */
  cacheKey?: string;
}

/** Identifies the KServer session of a request the way the monitor docs describe. */
export function sessionOf(req: IncomingMessage, pick: PickKServerInfo | undefined): RequestSession {
  if (pick) {
    try {
      pick(req);
    } catch {
      // the host's helper failed: fall back to handing the request itself to the API
    }
  }
  const id = (req as IncomingMessage & { KServer?: { session?: unknown } }).KServer?.session;
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) {
    return { session: id, cacheKey: 's:' + String(id) };
  }
  // The monitor reads the session from the request's cookies; so does our cache key.
  const cookie = req.headers.cookie;
  return {
    session: req,
    cacheKey: cookie ? 'c:' + createHash('sha256').update(cookie).digest('base64url') : undefined,
  };
}
