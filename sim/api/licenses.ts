// The license file: lookup, validity, ValidateLicense and GetServiceName.
import type { LicenseConfig, SimConfig } from '../config';
import { ApiError } from '../errors';
import { toNumber, toOptionalNumber } from './args';

/** A license with this id (and this version when given). */
export function findLicense(config: SimConfig, id: number, ver?: number): LicenseConfig | undefined {
  return config.licenses.find((l) => l.id === id && (ver === undefined || l.ver === ver));
}

/** A date alone means the license is in force through that whole day (UTC). */
export function isInForce(license: LicenseConfig, now: number): boolean {
  if (license.expires === undefined) return true;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(license.expires);
  const end = Date.parse(dateOnly ? `${license.expires}T23:59:59.999Z` : license.expires);
  return now <= end;
}

/** Why the license cannot be used (Russian, for a person), or null when it is in force. */
export function licenseProblem(config: SimConfig, id: number, ver: number | undefined, now: number): string | null {
  if (!config.licenses.some((l) => l.id === id)) return `нет лицензии ${id}`;
  const license = findLicense(config, id, ver);
  if (!license) return `нет лицензии ${id} версии ${ver}`;
  if (!isInForce(license, now)) return `срок действия лицензии ${id} истёк ${license.expires}`;
  return null;
}

/** ValidateLicense(lic, ver?): present and in force. */
export function validateLicense(config: SimConfig, args: unknown[], now: number): boolean {
  const id = toNumber(args[0], 'license');
  const ver = toOptionalNumber(args[1], 'version', undefined);
  return licenseProblem(config, id, ver, now) === null;
}

/** GetServiceName(svcId?): names of a license; without an id, of the plugin's service license. */
export function getServiceName(config: SimConfig, args: unknown[], serviceLicense: number | undefined) {
  const id = toOptionalNumber(args[0], 'svcId', serviceLicense);
  if (id === undefined) throw new ApiError('GetServiceName: the plugin has no required_licenses, give svcId');
  const license = findLicense(config, id);
  if (!license) throw new ApiError(`GetServiceName: no license ${id}`);
  return { name: license.name, shortNname: license.shortName ?? license.name };
}
