/**
 * Search hits in shown text, as segments the template escapes one by one and wraps in
 * <mark> — the text itself never becomes markup. A word of the text is a hit when it starts
 * with a searched word (words of three or more characters) or equals it (shorter ones):
 * what registry/search-query.ts asks the index for, so what is marked is why it was found.
 */
export interface Segment {
  text: string;
  mark: boolean;
}

const PREFIX_FROM = 3;

export function highlight(text: string, words: string[]): Segment[] {
  if (words.length === 0) return [{ text, mark: false }];
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = m[0];
    const lower = token.toLowerCase();
    const w = words.find((w) => (w.length >= PREFIX_FROM ? lower.startsWith(w) : lower === w));
    if (w === undefined) continue;
    // Lowercasing can change a length (rare letters): then the whole word is marked.
    const len = lower.length === token.length ? w.length : token.length;
    const start = m.index!;
    if (start > at) out.push({ text: text.slice(at, start), mark: false });
    out.push({ text: text.slice(start, start + len), mark: true });
    at = start + len;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}
