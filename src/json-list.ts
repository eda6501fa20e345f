/**
 * A stored JSON list of strings (error texts, extension pairs' names…) read back: anything
 * that is not a JSON array reads as empty, every item as a string. Rows are ours, but a row
 * written by an older version must not break a page or a mail.
 */
export function stringList(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
