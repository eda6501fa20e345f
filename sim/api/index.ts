// The host side of KServerApi: one table from method name to its implementation.
import type { EventEmitter } from 'node:events';
import type { SimConfig } from '../config';
import { ApiError } from '../errors';
import type { SimLog } from '../log';
import { API_METHODS, type ApiMethod } from '../shared/protocol';
import { checkAccess, pickPermissions } from './access';
import { getServerInfo, kodeksDocInfo, kodeksProductStatus } from './info';
import { getServiceName, validateLicense } from './licenses';
import type { Outbox } from './mail';
import { ParameterStore } from './parameters';
import { SeatStore } from './seats';
import { SessionStore, userInfo, userList } from './users';

/** State shared by every plugin of one simulator. */
export interface HostState {
  config: SimConfig;
  sessions: SessionStore;
  seats: SeatStore;
  parameters: ParameterStore;
  outbox: Outbox;
  log: SimLog;
  events: EventEmitter;
  /** The port the HTTP server really listens on. */
  port(): number;
}

/** Who is calling. */
export interface Caller {
  route: string;
  path: string;
  /** The first of required_licenses: the plugin's service id. */
  serviceLicense: number | undefined;
}

export function createHostState(
  config: SimConfig,
  outbox: Outbox,
  log: SimLog,
  events: EventEmitter,
  port: () => number,
): HostState {
  return {
    config,
    sessions: new SessionStore(config),
    seats: new SeatStore(config.seatTtlSeconds * 1000),
    parameters: new ParameterStore(config),
    outbox,
    log,
    events,
    port,
  };
}

/** The methods this simulated KServer offers (config.methods, default all). */
export function offeredMethods(config: SimConfig): ApiMethod[] {
  return config.methods ? API_METHODS.filter((m) => config.methods!.includes(m)) : [...API_METHODS];
}

type Handler = (host: HostState, caller: Caller, args: unknown[]) => unknown;

const HANDLERS: Record<ApiMethod, Handler> = {
  UserInfo: (h, _c, args) => userInfo(h.config, h.sessions, args),
  UserList: (h, _c, args) => userList(h.config, h.sessions, args),
  CheckAccess: (h, _c, args) => checkAccess({ ...h, now: Date.now() }, args),
  PickPermissions: (h, _c, args) => pickPermissions({ ...h, now: Date.now() }, args),
  SetLicensedParameter: (h, _c, args) => h.parameters.set(args),
  IncLicensedParameter: (h, _c, args) => h.parameters.inc(args),
  CheckLicensedParameter: (h, _c, args) => h.parameters.check(args),
  ValidateLicense: (h, _c, args) => validateLicense(h.config, args, Date.now()),
  KodeksDocInfo: (h, _c, args) => kodeksDocInfo(h.config, args),
  KodeksProductStatus: (h, _c, args) => kodeksProductStatus(h.config, args),
  SendMail: async (h, c, args) => {
    const stored = await h.outbox.send(c.route, c.path, args);
    h.log.plugin(c.route, `письмо для ${stored.mail.to}: «${stored.mail.subject}» (${stored.file})`);
    h.events.emit('mail', { route: c.route, ...stored });
    return true;
  },
  GetServerInfo: (h) => getServerInfo(h.config, h.port()),
  GetServiceName: (h, c, args) => getServiceName(h.config, args, c.serviceLicense),
};

/** Runs one call from a plugin; every failure becomes a rejection, never a crash. */
export async function dispatchCall(host: HostState, caller: Caller, method: string, args: unknown): Promise<unknown> {
  const offered = offeredMethods(host.config) as string[];
  if (!offered.includes(method)) throw new ApiError(`Unknown KServerApi method: ${String(method)}`);
  if (!Array.isArray(args)) throw new ApiError(`${method}: arguments must be an array`);
  return HANDLERS[method as ApiMethod](host, caller, args);
}
