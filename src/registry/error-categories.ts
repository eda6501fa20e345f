import type { Report } from '../intake/report-schema';

/** At most this many categories are kept per unique error; a longer name is not a category. */
export const MAX_CATEGORIES = 16;
export const MAX_CATEGORY_CHARS = 100;

/**
 * The categories of a unique error, for the list's category filter: every category of its
 * chain (`applicationErrorInfo.errors[].categories`, outermost first), exact as the platform
 * sends them (`ScriptCompileError`, `NetworkError`), each once. Untrusted text: bounded in
 * count and length, empty names dropped. A report without applicationErrorInfo has none.
 */
export function categoriesOf(report: Pick<Report, 'errorInfo'>): string[] {
  const out = new Set<string>();
  for (const e of report.errorInfo?.applicationErrorInfo?.errors ?? []) {
    for (const c of e.categories) {
      if (out.size === MAX_CATEGORIES) return [...out];
      if (c !== '' && c.length <= MAX_CATEGORY_CHARS) out.add(c);
    }
  }
  return [...out];
}
