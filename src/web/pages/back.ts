/**
 * Where a form may send the browser back to: a path of our own s/ area, taken from the
 * form; anything else (another host, "//evil", "/pult/s/../x", control characters)
 * falls back. Never an open redirect.
 */
export function safeBack(back: unknown, base: string, fallback: string): string {
  if (typeof back !== 'string' || back.length > 2000 || /[\\\u0000-\u001f\u007f]/.test(back)) return fallback;
  const area = `${base}s/`;
  if (!back.startsWith(area) || back.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(back, 'http://pult.invalid');
  } catch {
    return fallback;
  }
  if (url.origin !== 'http://pult.invalid' || !url.pathname.startsWith(area)) return fallback;
  return url.pathname + url.search + url.hash;
}
