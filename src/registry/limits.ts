/**
 * How much client text one report may leave in the database. The whole database lives in
 * memory, so what a client sends is cut here; the unique-error key is computed before
 * cutting, over the full values, and the zip keeps everything as it came.
 *
 * The sizes are far above what real reports carry (measured on the samples, shaped after
 * real 8.3.17–8.3.24 reports: error texts up to 103 characters, 2 texts per chain, 2
 * extensions with names of 19 characters and hashes of 40, a description of 44, display
 * fields up to 48; real chains seen in support rarely pass 10 texts or 1,000 characters,
 * a query error with its query text included) and low enough that a crafted report adds
 * at most ≈ 25 KB however it is built (Cyrillic counts two bytes a character):
 * texts 3,000 characters in all, extensions 32 × (64 + 64), a description 2,000,
 * additionalInfo 1,000 (for search), eleven display fields × 256.
 */
export const STORED = {
  /** One error text. */
  textChars: 1500,
  /** All error texts of one error together; later texts are cut shorter or left to the zip. */
  textsChars: 3000,
  /** Error texts of one error (outermost first; the rest are in the zip). */
  texts: 20,
  /** Extensions of one error. */
  extensions: 32,
  /** One extension name or hash. */
  extensionChars: 64,
  /** One user description. */
  descriptionChars: 2000,
  /** User descriptions kept per report, the newest (a repeat adds one). */
  descriptions: 10,
  /** Short display fields: configuration name and version, user name, platform names, user agent. */
  fieldChars: 256,
  /** additionalInfo kept for search (the whole text is in the zip). */
  additionalInfoChars: 1000,
} as const;

/** What a cut text ends with, on pages and in mails: the whole text is in the report's zip. */
export const CUT_MARK = '… [сокращено]';

/** Cuts a text to `max` characters (the mark included), marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, Math.max(0, max - CUT_MARK.length)) + CUT_MARK : text;
}

export function clipField(text: string | undefined): string | undefined {
  return text === undefined ? undefined : clip(text, STORED.fieldChars);
}

/**
 * Error texts as stored: each cut to `textChars`, all together within `textsChars`, at
 * most `texts` of them; what is left out is said by a last line.
 */
export function clipTexts(texts: readonly string[]): string[] {
  const out: string[] = [];
  let room = STORED.textsChars;
  for (const t of texts) {
    if (out.length === STORED.texts || room < CUT_MARK.length + 1) break;
    const kept = clip(t, Math.min(STORED.textChars, room));
    out.push(kept);
    room -= kept.length;
  }
  const left = texts.length - out.length;
  if (left > 0) out.push(`[ещё текстов ошибки: ${left} — в файле отчёта]`);
  return out;
}

/** Extensions as stored: at most `extensions` pairs, each part cut; the rest is said by a last pair. */
export function clipExtensions(pairs: readonly [string, string][]): [string, string][] {
  const out = pairs.slice(0, STORED.extensions).map(([n, h]): [string, string] => [clip(n, STORED.extensionChars), clip(h, STORED.extensionChars)]);
  const left = pairs.length - out.length;
  if (left > 0) out.push([`[ещё расширений: ${left} — в файле отчёта]`, '']);
  return out;
}
