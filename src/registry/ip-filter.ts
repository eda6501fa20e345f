import { AddressRefusedError } from '../errors';
import { inRange, parseAddress, parseRange, type Range } from './cidr';
import type { RefusalLog } from './refusals';

/**
 * The service's address lists (README «Фильтры шума»), applied to getInfo and pushReport by
 * the address the monitor saw (`x-kodeks-monitor-remote-addr`, kserver/client-address.ts):
 *
 * - an address in the deny list is refused, whatever the allow list says;
 * - when the allow list is not empty, only addresses in it are taken;
 * - an unknown or unreadable address is refused only when there is an allow list (it
 *   cannot be shown to be in it); with a deny list alone it is taken.
 *
 * Entries are single addresses or CIDR ranges, IPv4 or IPv6; IPv4-mapped IPv6 addresses
 * (::ffff:10.1.2.3) are the IPv4 addresses they carry (registry/cidr.ts).
 */
export interface AddressLists {
  allow: string[];
  deny: string[];
}

interface Compiled {
  allow: Range[];
  deny: Range[];
}

// Settings are replaced whole on save: the compiled form lives as long as its lists.
const compiled = new WeakMap<AddressLists, Compiled>();

function compile(lists: AddressLists): Compiled {
  let c = compiled.get(lists);
  if (!c) {
    const ranges = (entries: string[]) => entries.map(parseRange).filter((r): r is Range => r !== undefined);
    c = { allow: ranges(lists.allow), deny: ranges(lists.deny) };
    compiled.set(lists, c);
  }
  return c;
}

/** Whether a request from `address` is taken. No lists: every address is. */
export function addressAdmitted(lists: AddressLists | undefined, address: string | undefined): boolean {
  if (!lists || (lists.allow.length === 0 && lists.deny.length === 0)) return true;
  const c = compile(lists);
  const n = address === undefined ? undefined : parseAddress(address);
  if (n === undefined) return c.allow.length === 0;
  if (c.deny.some((r) => inRange(n, r))) return false;
  return c.allow.length === 0 || c.allow.some((r) => inRange(n, r));
}

/** Whether a list entry is an address or CIDR range this filter understands (settings validation). */
export function isAddressEntry(text: string): boolean {
  return parseRange(text) !== undefined;
}

/**
 * pushReport's address check, before a byte of the body is read: a refused address gets
 * 403 with a Russian reason (nothing stored) and is counted on the status page.
 */
export function admitUpload(lists: AddressLists | undefined, address: string | undefined, refusals: RefusalLog | undefined): void {
  if (addressAdmitted(lists, address)) return;
  refusals?.pushRefused('address');
  throw new AddressRefusedError();
}
