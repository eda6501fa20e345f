// Licensed parameters: a counter per license and owner; the limit is the license's seats.
import type { SimConfig } from '../config';
import { ApiError } from '../errors';
import { toNumber, toOptionalNumber, toOptionalString } from './args';
import { findLicense, isInForce } from './licenses';

/** The anonymous owner (owner argument absent). */
const ANONYMOUS = '';

export class ParameterStore {
  /** license id → owner → value. */
  private readonly values = new Map<number, Map<string, number>>();

  constructor(private readonly config: SimConfig) {}

  /** SetLicensedParameter(lic, ver, value, owner?): sets anyway; false when the total is over the limit. */
  set(args: unknown[]): boolean {
    const { license, owners } = this.target(args);
    const value = toNumber(args[2], 'value');
    if (value < 0) throw new ApiError('SetLicensedParameter: value must not be negative');
    owners.set(owner(args[3]), value);
    return total(owners) <= license.seats;
  }

  /** IncLicensedParameter(lic, ver, delta, owner?): rejects with "User limit" and changes nothing when over. */
  inc(args: unknown[]): true {
    const { license, owners } = this.target(args);
    const delta = toNumber(args[2], 'value');
    const who = owner(args[3]);
    // A negative delta never takes an owner below zero.
    const next = Math.max(0, (owners.get(who) ?? 0) + delta);
    if (total(owners) - (owners.get(who) ?? 0) + next > license.seats) throw new ApiError('User limit');
    owners.set(who, next);
    return true;
  }

  /** CheckLicensedParameter(lic, ver?): the total is within the limit. */
  check(args: unknown[]): boolean {
    const { license, owners } = this.target(args);
    return total(owners) <= license.seats;
  }

  private target(args: unknown[]) {
    const id = toNumber(args[0], 'license');
    const ver = toOptionalNumber(args[1], 'version', undefined);
    const license = findLicense(this.config, id, ver);
    if (!license) throw new ApiError(ver === undefined ? `No license ${id}` : `No license ${id} version ${ver}`);
    if (!isInForce(license, Date.now())) throw new ApiError(`License ${id} has expired`);
    let owners = this.values.get(id);
    if (!owners) this.values.set(id, (owners = new Map()));
    return { license, owners };
  }
}

function owner(value: unknown): string {
  return toOptionalString(value, 'owner') ?? ANONYMOUS;
}

function total(owners: Map<string, number>): number {
  let sum = 0;
  for (const v of owners.values()) sum += v;
  return sum;
}
