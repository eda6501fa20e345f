/**
 * What a journal group holds of a page: the byte ranges that changed since the group before,
 * not the whole page. A report changes a few dozen bytes in each of a dozen 4 KiB pages (a
 * counter, a cell and its pointer in an index leaf), so whole pages made the journal ten
 * times larger than the change: 51 KB per report, written through to the disk, against
 * about 5 KB of ranges (measured on the intake bench's mix).
 *
 * The journal's frames were always arbitrary byte ranges at absolute offsets, so a range is
 * just a smaller frame. Replay writes each group's ranges in order over the page as the
 * previous groups left it (recovery.ts, `patch`). The first write of a page in a generation
 * is still journaled whole (capture.ts, `keepBases`): a generation's journal holds every
 * page its checkpoint will overwrite in place, so a page the power cut tore in pult.sqlite
 * is rebuilt from the journal alone, as before.
 */
import type { PageMap, Run } from './page-map';

/** The unit of comparison: SQLite's page (4 KiB by default, and pult's). */
export const DIFF_BLOCK = 4096;
/**
 * Equal bytes tolerated inside one range before a new one starts. A frame's header is 12
 * bytes: two ranges closer than that cost more than one.
 */
const GAP_WORDS = 4;

/**
 * The runs a journal group writes for `pages` (everything written since the last group):
 * a page with a known base (its content after the previous group, in `bases`) as the
 * ranges where it differs from it, any other page whole. Ranges are views of `pages`.
 */
export function journalRuns(pages: PageMap, bases: PageMap, size: number, maxChunks: number): Run[] {
  const out: Run[] = [];
  let whole: Run | undefined;
  for (const run of pages.runs(size, maxChunks)) {
    let offset = run.offset;
    for (const chunk of run.chunks) {
      for (let at = 0; at < chunk.length; at += DIFF_BLOCK) {
        const page = chunk.subarray(at, Math.min(chunk.length, at + DIFF_BLOCK));
        const base = page.length === DIFF_BLOCK ? bases.exactBlock(offset, DIFF_BLOCK) : undefined;
        if (base) {
          whole = undefined;
          changedRanges(base, page, offset, out);
        } else if (whole && whole.offset + whole.length === offset && whole.chunks.length < maxChunks) {
          whole.chunks.push(page);
          whole.length += page.length;
        } else {
          whole = { offset, length: page.length, chunks: [page] };
          out.push(whole);
        }
        offset += page.length;
      }
    }
  }
  return out;
}

/**
 * Appends to `out` the ranges of `cur` (at file offset `offset`) that differ from `base`,
 * word by word, neighbours fewer than GAP_WORDS equal words apart joined into one.
 */
export function changedRanges(base: Uint8Array, cur: Uint8Array, offset: number, out: Run[]): void {
  if (base.length !== cur.length || base.length % 4 !== 0 || base.byteOffset % 4 !== 0 || cur.byteOffset % 4 !== 0) {
    out.push({ offset, length: cur.length, chunks: [cur] });
    return;
  }
  const a = new Int32Array(base.buffer, base.byteOffset, base.length >> 2);
  const b = new Int32Array(cur.buffer, cur.byteOffset, cur.length >> 2);
  const n = a.length;
  let i = 0;
  while (i < n) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1; // one past the last differing word
    for (let j = end; j < n && j - end < GAP_WORDS; j++) if (a[j] !== b[j]) end = j + 1;
    const bytes = cur.subarray(start << 2, end << 2);
    out.push({ offset: offset + (start << 2), length: bytes.length, chunks: [bytes] });
    i = end;
  }
}
