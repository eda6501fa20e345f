// The KServer session travels in the `Kodeks` cookie (a number). Which cookie the real
// KServer uses is not documented; `Kodeks` is the one real servers set to a number.

export const SESSION_COOKIE = 'Kodeks';

/** The session id in a Cookie header, or undefined when absent or not a number. */
export function sessionFromCookieHeader(header: unknown): number | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (typeof text !== 'string') return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
}
