/**
 * Start-up recovery: pult.sqlite plus every remaining journal generation, applied in
 * order, give the database image as of the last acknowledged write. Frames are absolute
 * byte images, so replaying a generation that was already (partly) checkpointed is
 * harmless. pult.sqlite itself is not read: the replayed pages lie over it in memory
 * until the first checkpoint has written them in place.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointJob, RetiredPages } from './checkpoint';
import { DiskFile } from './disk-file';
import { DIFF_BLOCK } from './page-diff';
import { StorageCorruptError } from './errors';
import { fsyncDir } from './fs-util';
import { DB_FILE, journalPath, parseJournalName } from './journal-file';
import { FILE_HEADER_SIZE, findGroupMagic, parseFileHeader, parseGroup, type ParsedGroup } from './journal-format';

export interface Recovered {
  /** The database file as of the last acknowledged write (open: close it if not used). */
  file: DiskFile;
  /** Sequence number of the last group applied (0 if none). */
  lastSeq: number;
  /** First free generation number. */
  nextGeneration: number;
  /** What the first checkpoint must write, with the journal files it retires. */
  replay: CheckpointJob | undefined;
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
  const { file: dbFile, created } = DiskFile.open(path.join(dir, DB_FILE));
  let replayed: RetiredPages;
  try {
    // A checkpoint deletes journals once pult.sqlite is durable: its name must be too.
    if (created) await fsyncDir(dir);
    replayed = applyGroups(dbFile, groups);
  } catch (err) {
    dbFile.close();
    throw err;
  }
  if (scans.length === 0) replayed.settle();
  const last = groups.at(-1);
  return {
    file: dbFile,
    lastSeq: last ? last.seq : (expectedSeq ?? 1) - 1,
    nextGeneration: (generations.at(-1) ?? 0) + 1,
    replay: scans.length > 0 ? { ...replayed, journals: scans.map((s) => s.file) } : undefined,
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

/** patch's block (the file copies what it is given). */
const patchBlock = new Uint8Array(DIFF_BLOCK);

/**
 * Writes a frame that is not whole pages (the changed ranges of a page, page-diff.ts) over
 * the file as the groups before left it: each 4 KiB block it touches is read, patched and
 * written back whole. Past the file's end the block reads as zeros; the group's final size,
 * set after its frames, cuts what lies beyond.
 */
function patch(file: DiskFile, offset: number, bytes: Uint8Array): void {
  const block = patchBlock;
  let done = 0;
  while (done < bytes.length) {
    const at = offset + done;
    const start = at - (at % DIFF_BLOCK);
    const take = Math.min(bytes.length - done, start + DIFF_BLOCK - at);
    const read = file.read(start, block, 0, DIFF_BLOCK);
    block.fill(0, read);
    block.set(bytes.subarray(done, done + take), at - start);
    if (!file.write(start, block)) throw new StorageCorruptError('журнал', at, `кадр ${bytes.length} байт не удалось наложить`);
    done += take;
  }
}

/**
 * Replays groups into the file's top layer and freezes it as the first checkpoint's plan
 * (its pages are views of that layer, which nothing writes again).
 */
function applyGroups(file: DiskFile, groups: ParsedGroup[]): RetiredPages {
  for (const g of groups) {
    if (g.minSize < file.size) file.truncate(g.minSize);
    for (const f of g.frames) {
      // Anything but whole 4 KiB blocks is patched in: a 512-aligned range written as it is
      // would split the whole recovered layer into 512-byte blocks (correct, but costlier).
      if (f.offset % DIFF_BLOCK !== 0 || f.bytes.length % DIFF_BLOCK !== 0 || !file.write(f.offset, f.bytes)) patch(file, f.offset, f.bytes);
    }
    if (g.size !== file.size) file.truncate(g.size);
  }
  return file.retire();
}
