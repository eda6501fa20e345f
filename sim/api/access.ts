// CheckAccess and PickPermissions. The order of checks: a known session, an account in
// force, a grant (to the login or one of its groups), then the license; CheckAccess alone
// also takes a seat.
import type { SimConfig, UserConfig } from '../config';
import { ApiError } from '../errors';
import { toNumber, toSession } from './args';
import { findLicense, licenseProblem } from './licenses';
import type { SeatStore } from './seats';
import type { SessionStore } from './users';

export interface AccessDeps {
  config: SimConfig;
  sessions: SessionStore;
  seats: SeatStore;
  now: number;
}

type Verdict = { granted: true } | { granted: false; reason: string };

/**
 * CheckAccess(featureId, ver?, session): two arguments are (featureId, session) with ver 0;
 * three are (featureId, ver, session). When granted, the user takes (or refreshes) a seat.
 */
export function checkAccess(deps: AccessDeps, args: unknown[]): Verdict {
  const featureId = toNumber(args[0], 'featureId');
  const three = args.length >= 3;
  const ver = three && args[1] !== undefined && args[1] !== null ? toNumber(args[1], 'ver') : 0;
  const user = deps.sessions.userOf(toSession(three ? args[2] : args[1]));
  const denied = rightsProblem(deps.config, user, featureId) ?? capitalize(licenseProblem(deps.config, featureId, ver, deps.now));
  if (denied) return { granted: false, reason: denied };
  const license = findLicense(deps.config, featureId, ver)!;
  if (!deps.seats.acquire(`${license.id}/${license.ver}`, user!.login, license.seats, deps.now)) {
    return { granted: false, reason: `Все рабочие места по лицензии ${featureId} заняты (${license.seats})` };
  }
  return { granted: true };
}

interface Permission {
  feature: unknown;
  granted: boolean;
  reason?: string;
  ver?: number;
}

/**
 * PickPermissions(features, session): ids, [id, ver] pairs or named features. Rights are
 * always checked; the license only when a version is given (as the docs say). No seat is taken.
 */
export function pickPermissions(deps: AccessDeps, args: unknown[]): Permission[] {
  if (!Array.isArray(args[0])) throw new ApiError('PickPermissions: features must be an array');
  const user = deps.sessions.userOf(toSession(args[1]));
  return args[0].map((item): Permission => {
    const pair = Array.isArray(item);
    const feature: unknown = pair ? item[0] : item;
    const ver = pair ? toNumber(item[1], 'PickPermissions: version') : undefined;
    const id = featureId(deps.config, feature);
    const withVer = ver === undefined ? {} : { ver };
    if (id === undefined) return { feature, granted: false, reason: `Неизвестный функционал «${String(feature)}»`, ...withVer };
    const denied =
      rightsProblem(deps.config, user, id) ??
      (ver === undefined ? null : capitalize(licenseProblem(deps.config, id, ver, deps.now)));
    return denied ? { feature, granted: false, reason: denied, ...withVer } : { feature, granted: true, ...withVer };
  });
}

function featureId(config: SimConfig, feature: unknown): number | undefined {
  if (typeof feature === 'number' || (typeof feature === 'string' && /^\s*\d+\s*$/.test(feature))) {
    return toNumber(feature, 'PickPermissions: feature');
  }
  if (typeof feature === 'string') return Object.hasOwn(config.features, feature) ? config.features[feature] : undefined;
  throw new ApiError('PickPermissions: a feature must be an id, an [id, ver] pair or a name');
}

/** Why this user has no right to the feature, or null when they have it. */
function rightsProblem(config: SimConfig, user: UserConfig | undefined, featureId: number): string | null {
  if (!user) return 'Пользователь не аутентифицирован';
  if (user.disabled) return 'Учётная запись заблокирована';
  if (user.expired) return 'Срок действия учётной записи истёк';
  const groups = new Set(user.groups.map(String));
  const granted = config.grants.some(
    (g) => g.feature === featureId && (g.users.includes(user.login) || g.groups.some((id) => groups.has(String(id)))),
  );
  return granted ? null : `Нет прав на функционал ${featureId}`;
}

function capitalize(text: string | null): string | null {
  return text === null ? null : text.charAt(0).toUpperCase() + text.slice(1);
}
