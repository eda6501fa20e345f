/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, as 128-bit numbers (no dependency: the
 * handful of cases the address lists need). An IPv4 address is kept as its IPv4-mapped
 * IPv6 form (::ffff:a.b.c.d), so `10.0.0.0/8` and a monitor that reports `::ffff:10.1.2.3`
 * (Node's dual-stack sockets do) agree; an IPv4 prefix /n is the IPv6 prefix /(96 + n), so
 * `0.0.0.0/0` takes every IPv4 address and no IPv6 one.
 */

export interface Range {
  base: bigint;
  /** Prefix length over the 128-bit form. */
  bits: number;
}

const MAPPED = 0xffffn << 32n;
const ALL = (1n << 128n) - 1n;

/** An address as a 128-bit number, or undefined when it is not one. A zone (`%eth0`) is dropped. */
export function parseAddress(text: string): bigint | undefined {
  const s = text.trim().replace(/%[\w.-]{1,32}$/, '');
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  return v4 === undefined ? undefined : MAPPED | v4;
}

/** `a.b.c.d`, `a.b.c.d/n`, `x::y`, `x::y/n`; undefined when malformed (the settings page says so). */
export function parseRange(text: string): Range | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addressText = slash < 0 ? s : s.slice(0, slash);
  if (addressText.includes('%')) return undefined;
  const v6 = addressText.includes(':');
  const base = parseAddress(addressText);
  if (base === undefined) return undefined;
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  const bits = v6 ? prefix : 96 + prefix;
  return { base: base & maskOf(bits), bits };
}

/** Whether the address lies in the range. */
export function inRange(address: bigint, range: Range): boolean {
  return (address & maskOf(range.bits)) === range.base;
}

function maskOf(bits: number): bigint {
  return bits === 0 ? 0n : (ALL << BigInt(128 - bits)) & ALL;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    // No leading zeros: "010" is octal to some tools and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (s.length > 45) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // An embedded IPv4 belongs at the very end only.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}
