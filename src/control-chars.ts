/**
 * Characters that break a line or steer how text is read: C0 and C1 controls (CR, LF,
 * tab, NEL U+0085…), DEL, the Unicode line and paragraph separators U+2028/2029, and
 * format characters (bidi overrides, zero-width ones). A mail header or body line built
 * from client text must hold none of them: CR/LF there forge headers and SMTP commands.
 */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const CONTROLS = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/** One line of plain text: every control character becomes a space, runs of spaces one. */
export function flattenLine(text: string): string {
  return text.replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
}

/** The bidi controls: embeddings, overrides, isolates and marks (U+061C, U+200E/F, U+202A–E, U+2066–9). */
export const BIDI_CONTROLS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';

/** What a page would lose or obey unseen: C0 controls but tab and line breaks, DEL, and the bidi controls. */
const HIDDEN = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f${BIDI_CONTROLS}]`, 'g');

/**
 * Client text (a file name, an error text, a description) as a page shows it: each such
 * character spelled out by its code — «строка⟨U+0000⟩после» (a browser drops a NUL unseen and
 * glued the words), «счёт⟨U+202E⟩gpj.exe» (an override would make it read «счётexe.jpg»). By code,
 * not by a Control Pictures sign: the fonts a page falls back on often draw those blank.
 */
export function showHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
