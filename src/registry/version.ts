/**
 * 1C configuration versions ("2.0.10.1") compare part by part, numerically where both parts
 * are numbers: 2.0.10.1 > 2.0.9.9, and 2.0.7 < 2.0.7.1 (a missing part is less than any).
 * The one comparison of versions in pult: the filter's order, "fixed in X" and regressions.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.trim().split('.');
  const pb = b.trim().split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const c = numeric ? compareDigits(x, y) : x.localeCompare(y);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** Digit strings of any length, compared as numbers without losing precision. */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** What a person may type as "fixed in": dot-separated numbers, as 1C versions are. */
export const VERSION_PATTERN = /^\d{1,9}(\.\d{1,9}){0,5}$/;
