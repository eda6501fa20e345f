import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { parseRu, problemsOf } from '../zod-ru';
import { KServerCallError, KServerMethodMissingError, KServerTimeoutError } from './errors';
import { KSERVER_METHODS, type KServerMethod } from './methods';
import {
  AccessSchema,
  PermissionSchema,
  ServerInfoSchema,
  UserInfoSchema,
  UserRecordSchema,
  type Access,
  type Permission,
  type ServerInfo,
  type UserInfo,
  type UserRecord,
} from './schemas';

/** A KServer session id, or the request itself (the monitor reads the session from it). */
export type Session = number | string | IncomingMessage;

export type FeatureRef = number | string | [number | string, number | string];

export interface Mail {
  to: string;
  subject?: string;
  body?: string;
  cc?: string;
  attachments?: string[];
}

/**
 * The monitor's API as far as pult uses it (the simulator serves all of methods.ts): typed, every call bounded by a timeout, results
 * validated (and parsed from JSON for monitors before 6.4.3), and a missing method
 * reported as `KServerMethodMissingError` instead of a TypeError.
 */
export interface KServer {
  has(method: KServerMethod): boolean;
  userInfo(session: Session): Promise<UserInfo>;
  userList(session: Session): Promise<UserRecord[]>;
  checkAccess(feature: number, ver: number, session: Session): Promise<Access>;
  pickPermissions(features: FeatureRef[], session: Session): Promise<Permission[]>;
  sendMail(mail: Mail): Promise<boolean>;
  getServerInfo(): Promise<ServerInfo>;
}

export interface KServerOptions {
  /** Longest wait for any one call, ms. */
  timeoutMs: number;
}

type RawApi = Record<string, unknown>;

/** Wraps the raw host object (`global.KServerApi` or the legacy `KodeksApi`). */
export function createKServer(raw: RawApi, options: KServerOptions): KServer {
  const has = (method: KServerMethod) => typeof raw[method] === 'function';

  async function call<S extends z.ZodType>(method: KServerMethod, schema: S, args: unknown[]): Promise<z.infer<S>> {
    const fn = raw[method];
    if (typeof fn !== 'function') throw new KServerMethodMissingError(method);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KServerTimeoutError(method, options.timeoutMs)), options.timeoutMs);
    });
    let value: unknown;
    try {
      // A host may throw synchronously or return a non-promise: both are normalised here.
      value = await Promise.race([Promise.resolve().then(() => fn.apply(raw, args)), timeout]);
    } catch (err) {
      if (err instanceof KServerTimeoutError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new KServerCallError(`${method}: ${message}`, method, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    return parseResult(method, schema, value);
  }

  const bool = z.unknown();
  const asBool = async (p: Promise<unknown>) => {
    const v = await p;
    return v === true || v === 'true';
  };

  return {
    has,
    userInfo: (session) => call('UserInfo', UserInfoSchema, [session]),
    userList: (session) => call('UserList', UserRecordSchema.array(), [session]),
    checkAccess: (feature, ver, session) => call('CheckAccess', AccessSchema, [feature, ver, session]),
    pickPermissions: (features, session) => call('PickPermissions', PermissionSchema.array(), [features, session]),
    sendMail: (m) => asBool(call('SendMail', bool, [m.to, m.subject, m.body, m.cc, m.attachments])),
    getServerInfo: () => call('GetServerInfo', ServerInfoSchema, []),
  };
}

/** Before KServer 6.4.3 results came back as JSON strings; since then as values. */
function parseResult<S extends z.ZodType>(method: KServerMethod, schema: S, value: unknown): z.infer<S> {
  let v = value;
  if (typeof v === 'string' && /^\s*[[{"]|^\s*(true|false|null|-?\d)/.test(v)) {
    try {
      v = JSON.parse(v);
    } catch {
      // not JSON: validate the string as it is
    }
  }
  const parsed = parseRu(schema, v);
  if (!parsed.success) {
    throw new KServerCallError(`${method}: неожиданный ответ монитора (${problemsOf(parsed.error).join('; ')})`, method, { cause: parsed.error });
  }
  return parsed.data;
}

/** Methods the host lacks, for the start-up log. */
export function missingMethods(k: KServer): KServerMethod[] {
  return KSERVER_METHODS.filter((m) => !k.has(m));
}
