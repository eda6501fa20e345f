import { z } from 'zod';
import type { Cursor } from '../../storage/pages-repo';

/** A row id in a URL: digits only, within what a JS number holds exactly. */
export const IdParam = z
  .string()
  .regex(/^\d{1,15}$/, 'ожидается номер')
  .transform(Number)
  .refine((n) => n > 0, 'ожидается номер');

/** Paging of the lists: `before` (older page) or `after` (newer page); neither — the newest. */
export const CursorQuery = z.object({
  before: IdParam.optional(),
  after: IdParam.optional(),
});

export function cursorOf(q: z.infer<typeof CursorQuery>): Cursor {
  if (q.before !== undefined) return { before: q.before };
  if (q.after !== undefined) return { after: q.after };
  return { before: Number.MAX_SAFE_INTEGER };
}

export function isFirstPage(c: Cursor): boolean {
  return 'before' in c && c.before === Number.MAX_SAFE_INTEGER;
}

/** Query strings keep only what is set; URLSearchParams does the encoding. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const PAGE_SIZE = 50;
