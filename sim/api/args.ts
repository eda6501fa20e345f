// Coercion of KServerApi arguments as they arrive over IPC. KServer accepts numbers and
// numeric strings alike (the docs' own examples mix them), and a session may be a request.
import { ApiError } from '../errors';
import { isRequestSessionRef } from '../shared/protocol';

/** Who is calling: a session id (maybe unknown) and the client's address when known. */
export interface SessionRef {
  session?: number;
  ip?: string;
}

/** A number, or a string holding one; anything else rejects naming `what`. */
export function toNumber(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new ApiError(`${what}: expected a number, got ${describe(value)}`);
}

/** Like toNumber, but undefined/null give `fallback`. */
export function toOptionalNumber(value: unknown, what: string, fallback: number | undefined): number | undefined {
  return value === undefined || value === null ? fallback : toNumber(value, what);
}

/**
 * A session argument: a session id (number or numeric string), a request (already reduced
 * by the bootstrap to {session, ip}), or nothing (anonymous).
 */
export function toSession(value: unknown): SessionRef {
  if (value === undefined || value === null || value === '') return {};
  if (isRequestSessionRef(value)) {
    return {
      ...(typeof value.session === 'number' ? { session: value.session } : {}),
      ...(typeof value.ip === 'string' ? { ip: value.ip } : {}),
    };
  }
  if (typeof value === 'number' || typeof value === 'string') return { session: toNumber(value, 'session') };
  throw new ApiError(`session: expected a session id or a request object, got ${describe(value)}`);
}

/** A string argument that may be absent. */
export function toOptionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ApiError(`${what}: expected a string, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
