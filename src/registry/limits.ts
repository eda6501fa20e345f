/**
 * How much client text one report may leave in the database. The whole database lives in
 * memory, so what a client sends is cut here; the unique-error key is computed before
 * cutting, over the full texts, and the zip keeps everything as it came.
 */
export const STORED = {
  /** One error text, one extension name or hash, one description. */
  textChars: 8000,
  /** Error texts of one error (outermost first; the rest are in the zip). */
  texts: 50,
  /** Extensions of one error. */
  extensions: 200,
  /** Short display fields: user name, platform names, user agent. */
  fieldChars: 500,
  /** additionalInfo kept for search (the whole text is in the zip). */
  additionalInfoChars: 2000,
  /** User descriptions kept per report, the newest. */
  descriptions: 50,
} as const;

/** Cuts a text to `max` characters, marking the cut. */
export function clip(text: string, max: number = STORED.textChars): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export function clipField(text: string | undefined): string | undefined {
  return text === undefined ? undefined : clip(text, STORED.fieldChars);
}
