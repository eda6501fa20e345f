import type { Report } from '../intake/report-schema';

/**
 * Which files of a report the user attached (pult.md, "Duplicates"; 1c-protocol.md). The
 * platform lists them in `additionalFiles` — when it sends that key: a real 8.3.18 report
 * carried its attached file in the zip without it. So a file is attached when the report
 * lists it, or when the zip holds an entry that is neither report.json, nor the screenshot
 * named by `screenshot.file`, nor the dump named by `dump.file`. Directory entries are not
 * files. Names are untrusted text: compared, counted and shown, never used as paths.
 */
export interface Attachments {
  /** Names the report lists in `additionalFiles` (strings only), in its order. */
  listed: string[];
  /** Entries of the zip that are attached files, listed or not, in the zip's order. */
  inZip: string[];
  /** Listed names the zip does not hold: shown as "listed but missing", not an error. */
  missing: string[];
}

export function attachmentsOf(report: Pick<Report, 'additionalFiles' | 'screenshot' | 'dump'>, entryNames: readonly string[]): Attachments {
  const listed = (report.additionalFiles ?? []).filter((n): n is string => typeof n === 'string');
  const own = new Set(['report.json']);
  if (report.screenshot?.file) own.add(report.screenshot.file);
  if (report.dump?.file) own.add(report.dump.file);
  const inZip = entryNames.filter((n) => !n.endsWith('/') && !own.has(n));
  const present = new Set(entryNames);
  const missing = listed.filter((n) => !present.has(n));
  return { listed, inZip, missing };
}

/** The rule the duplicate rule rests on: anything attached, listed or found, means "has files". */
export function hasAttachedFiles(report: Pick<Report, 'additionalFiles' | 'screenshot' | 'dump'>, entryNames: readonly string[]): boolean {
  const a = attachmentsOf(report, entryNames);
  return a.listed.length > 0 || a.inZip.length > 0 || (report.additionalFiles?.length ?? 0) > 0;
}
