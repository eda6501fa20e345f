import { ValidationError } from '../errors';

/**
 * The list's search box (`q`), read as a person means it — never as FTS syntax, which a
 * stray quote or AND would break. The words (runs of letters and digits, any script) must
 * all occur: in the error's texts or stack hash, or in one report's user name,
 * descriptions, additionalInfo or computer id. A word of three or more characters also
 * matches as a prefix ("лечащ" finds «Лечащий»); case does not matter (unicode61 folds it,
 * Cyrillic included). A UUID (a computer id) is one word in the reports' index. The whole
 * query is also tried as an exact report id (the platform's `id`), and a number as the
 * error's or report's number.
 */
export interface SearchQuery {
  /** The FTS4 MATCH expression we built; only lowercase words and '*'. */
  match: string;
  /**
   * The same for report_search when the query holds a UUID: there a computer id is one
   * word, its 32 hex digits (migration 23); `match` still finds the five parts in error
   * texts, in other fields and in reports indexed before. Undefined without a UUID.
   */
  reportMatch?: string;
  /** The words, lowercased, for highlighting. */
  words: string[];
  /** The query as typed, trimmed, for the exact report-id lookup. */
  exact: string;
  /** The query as a number (error or report №), when it is one. */
  number: number | undefined;
}

export const MAX_QUERY_CHARS = 200;
const MAX_WORDS = 12;
const PREFIX_FROM = 3;

/** undefined for an empty query; a ValidationError (Russian) for one that cannot be searched. */
export function parseSearch(q: string | undefined): SearchQuery | undefined {
  const text = (q ?? '').trim();
  if (!text) return undefined;
  if (text.length > MAX_QUERY_CHARS) throw new ValidationError(`Слишком длинный запрос: не больше ${MAX_QUERY_CHARS} символов`, 'q');
  const words = wordsOf(text);
  if (words.length === 0) throw new ValidationError('В запросе нет ни одного слова или числа', 'q');
  const joined = UUID.test(text) ? wordsOf(text.replace(UUID_ALL, (u) => u.replaceAll('-', ''))) : undefined;
  // A UUID counts as one word; its parts, searched too, are bounded by the 200 characters and by twice the limit.
  if ((joined ?? words).length > MAX_WORDS || words.length > 2 * MAX_WORDS) {
    throw new ValidationError(`Слишком много слов в запросе: не больше ${MAX_WORDS}`, 'q');
  }
  const number = /^№?\s*\d{1,15}$/.test(text) ? Number(text.replace(/\D/g, '')) : undefined;
  return { match: matchOf(words), ...(joined && { reportMatch: matchOf(joined) }), words, exact: text, number };
}

/** A UUID, or its beginning with the dashes ("b0f5e2a1-3c4d"): its hex digits are the start of the one word. */
const UUID = /\b[0-9a-f]{8}(?:-[0-9a-f]{1,12}){1,4}\b/i;
const UUID_ALL = new RegExp(UUID.source, 'gi');

function wordsOf(text: string): string[] {
  return [...new Set((text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()))];
}

/** Lowercase words are never FTS operators (AND, OR, NOT, NEAR are uppercase only). */
function matchOf(words: string[]): string {
  return words.map((w) => (w.length >= PREFIX_FROM ? `${w}*` : w)).join(' ');
}
