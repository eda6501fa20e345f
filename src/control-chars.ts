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
const BIDI = new RegExp(`[${BIDI_CONTROLS}]`, 'g');

/**
 * A name as a page shows it with its bidi controls spelled out ("счёт⟨U+202E⟩gpj.exe"): an
 * override in a file name would otherwise make "gpj.exe" read "exe.jpg" on the page.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** C0 controls but tab and line breaks, and DEL: a page drops them unseen (a NUL glued «строка» to «после»). */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Client text as a page shows it: each such control as its Control Pictures sign (U+2400…, «␀»). */
export function showControls(text: string): string {
  return text.replace(INVISIBLE, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}
