import { compareVersions } from './version';

/**
 * A report of version ≥ X of a problem "исправлена в версии X" means the fix did not hold:
 * the problem reopens as "регрессия". Reports of older versions are expected (not every
 * base is updated yet) and only counted.
 */
export function isRegression(status: string, fixedIn: string | null, reportVersion: string): boolean {
  return status === 'fixed' && fixedIn !== null && compareVersions(reportVersion, fixedIn) >= 0;
}
