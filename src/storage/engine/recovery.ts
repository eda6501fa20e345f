/**
 * Start-up recovery: pult.sqlite plus every remaining journal generation, applied in
 * order, give the database image as of the last acknowledged write. Frames are absolute
 * byte images, so replaying a generation that was already (partly) checkpointed is
 * harmless.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointPlan } from './checkpoint';
import { StorageCorruptError } from './errors';
import { isNotFound } from './fs-util';
import { DB_FILE, journalPath, parseJournalName } from './journal-file';
import { PagedFile } from './paged-file';
import { FILE_HEADER_SIZE, findGroupMagic, parseFileHeader, parseGroup, type ParsedGroup } from './journal-format';

export interface Recovered {
  /** The database file as of the last acknowledged write. */
  file: PagedFile;
  /** Sequence number of the last group applied (0 if none). */
  lastSeq: number;
  /** First free generation number. */
  nextGeneration: number;
  /** What the first checkpoint must write, with the journal files it retires. */
  replay: { plan: CheckpointPlan; journals: string[] } | undefined;
  /** The unacknowledged tail of the newest journal, to cut off before going on. */
  tornTail: { file: string; validLength: number; droppedBytes: number } | undefined;
  /** Newest journal whose creation was interrupted (no valid header, no data). */
  emptyJournal: string | undefined;
  groups: number;
}

interface GenerationScan {
  file: string;
  groups: ParsedGroup[];
  nextSeq: number;
}

export async function recover(dir: string): Promise<Recovered> {
  const generations = (await readdir(dir))
    .map(parseJournalName)
    .filter((g): g is number => g !== undefined)
    .sort((a, b) => a - b);
  const base = await readFile(path.join(dir, DB_FILE)).catch((err: unknown) => {
    if (isNotFound(err)) return Buffer.alloc(0);
    throw err;
  });

  const scans: GenerationScan[] = [];
  let tornTail: Recovered['tornTail'];
  let emptyJournal: string | undefined;
  let expectedSeq: number | undefined;
  for (const [i, generation] of generations.entries()) {
    const file = journalPath(dir, generation);
    const buf = await readFile(file);
    const isLast = i === generations.length - 1;
    const header = parseFileHeader(buf);
    if (typeof header === 'string') {
      // The header is made durable before any group is written: a bad header on a
      // file no longer than a header is an interrupted creation, anything else is damage.
      if (isLast && buf.length <= FILE_HEADER_SIZE) {
        emptyJournal = file;
        continue;
      }
      throw new StorageCorruptError(file, 0, header);
    }
    if (header.generation !== generation) {
      throw new StorageCorruptError(file, 0, `в заголовке указано поколение ${header.generation}`);
    }
    if (expectedSeq !== undefined && header.firstSeq !== expectedSeq) {
      throw new StorageCorruptError(
        file,
        0,
        `журнал начинается с группы ${header.firstSeq}, а предыдущий кончается перед ${expectedSeq}: часть журнала потеряна`,
      );
    }
    const scan = scanGeneration(file, buf, header.firstSeq, isLast);
    scans.push(scan);
    expectedSeq = scan.nextSeq;
    if (scan.tornAt !== undefined) {
      tornTail = { file, validLength: scan.tornAt, droppedBytes: buf.length - scan.tornAt };
    }
  }

  const groups = scans.flatMap((s) => s.groups);
  const { file: dbFile, plan } = applyGroups(base, groups);
  const last = groups.at(-1);
  return {
    file: dbFile,
    lastSeq: last ? last.seq : (expectedSeq ?? 1) - 1,
    nextGeneration: (generations.at(-1) ?? 0) + 1,
    replay: scans.length > 0 ? { plan, journals: scans.map((s) => s.file) } : undefined,
    tornTail,
    emptyJournal,
    groups: groups.length,
  };
}

function scanGeneration(
  file: string,
  buf: Buffer,
  firstSeq: number,
  isLast: boolean,
): GenerationScan & { tornAt?: number } {
  const groups: ParsedGroup[] = [];
  let seq = firstSeq;
  let pos = FILE_HEADER_SIZE;
  while (pos < buf.length) {
    const parsed = parseGroup(buf, pos);
    if (parsed.kind === 'ok') {
      if (parsed.group.seq !== seq) {
        throw new StorageCorruptError(file, pos, `ожидалась группа ${seq}, найдена ${parsed.group.seq}`);
      }
      groups.push(parsed.group);
      seq++;
      pos = parsed.group.end;
      continue;
    }
    if (parsed.kind === 'invalid' || !isLast) throw new StorageCorruptError(file, pos, parsed.reason);
    // A flush is written only after the previous one is durable, so an interrupted
    // append is always the very last thing in the newest journal.
    if (hasValidGroupAfter(buf, pos)) {
      throw new StorageCorruptError(file, pos, `${parsed.reason}, а после неё есть целые группы`);
    }
    return { file, groups, nextSeq: seq, tornAt: pos };
  }
  return { file, groups, nextSeq: seq };
}

function hasValidGroupAfter(buf: Buffer, pos: number): boolean {
  for (let at = findGroupMagic(buf, pos + 1); at >= 0; at = findGroupMagic(buf, at + 1)) {
    if (parseGroup(buf, at).kind === 'ok') return true;
  }
  return false;
}

/**
 * Replays groups over `base` in a PagedFile (no second copy of the database, so a 300 MB
 * file needs 300 MB, not 600). Returns it with a checkpoint plan holding copies of every
 * replayed range (the file itself becomes SQLite's and will change).
 */
function applyGroups(base: Buffer, groups: ParsedGroup[]): { file: PagedFile; plan: CheckpointPlan } {
  const file = PagedFile.fromImage(base);
  let minSize = base.length;
  const ranges: Array<[number, number]> = [];
  for (const g of groups) {
    if (g.minSize < file.size) file.truncate(g.minSize);
    minSize = Math.min(minSize, g.minSize);
    for (const f of g.frames) {
      file.write(f.offset, f.bytes);
      ranges.push([f.offset, f.offset + f.bytes.length]);
    }
    if (g.size !== file.size) file.truncate(g.size);
  }
  return { file, plan: { runs: copyRanges(file, ranges), minSize, size: file.size } };
}

const MAX_RUN = 4 * 1024 * 1024;

function copyRanges(file: PagedFile, ranges: Array<[number, number]>): CheckpointPlan['runs'] {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const runs: CheckpointPlan['runs'] = [];
  for (const [start, rawEnd] of merged) {
    const end = Math.min(rawEnd, file.size);
    for (let at = start; at < end; at += MAX_RUN) {
      const chunk = Buffer.allocUnsafe(Math.min(end, at + MAX_RUN) - at);
      file.read(at, chunk, 0, chunk.length);
      runs.push({ offset: at, length: chunk.length, chunks: [chunk] });
    }
  }
  return runs;
}
