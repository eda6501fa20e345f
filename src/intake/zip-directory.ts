/**
 * Reads a report zip's central directory ourselves, before any zip library sees it, and
 * cuts one entry out as an archive of its own.
 * - Checked first (a crafted directory must not reach JSZip, which reads central records for
 *   as long as their signature repeats: a million of them cost seconds and half a gigabyte):
 *   exactly the declared number of records, at most MAX_ZIP_ENTRIES, no zip64 or multi-disk.
 * - Then JSZip is given only the wanted entry: its loader touches every byte it is given
 *   (≈2 ms per MB), and a report with a crash dump runs to tens of megabytes.
 * - The report page reads entries of a stored zip here too (listEntries, readEntry,
 *   peekEntry): by index, bounded, nothing extracted to disk.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { PayloadTooLargeError, ValidationError } from '../errors';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

export type EntryArchive =
  /** `archive` is a zip holding only the entry; `names` are the names of all entries. */
  | { kind: 'found'; archive: Buffer; names: string[] }
  | { kind: 'missing'; names: string[] }
  /** The directory is sound but the entry's local header is not where it says: let JSZip judge. */
  | { kind: 'unusual' };

/** A report zip holds report.json, a screenshot, a few attached files and maybe a dump. */
export const MAX_ZIP_ENTRIES = 1000;

interface CentralRecord {
  at: number;
  length: number;
  name: Buffer;
}

interface Directory {
  end: number;
  /** Bytes before the first entry (a self-extractor stub) shift every declared offset. */
  shift: number;
  records: CentralRecord[];
}

/** The central directory, or a ValidationError saying why this is not a report zip. */
export function readDirectory(zip: Buffer): Directory {
  const end = findEnd(zip);
  if (end === undefined) throw new ValidationError('Тело запроса не является zip-архивом отчёта (нет конца каталога архива)');
  const disk = zip.readUInt16LE(end + 4);
  const cdDisk = zip.readUInt16LE(end + 6);
  const onDisk = zip.readUInt16LE(end + 8);
  const count = zip.readUInt16LE(end + 10);
  const cdSize = zip.readUInt32LE(end + 12);
  const cdOffset = zip.readUInt32LE(end + 16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ValidationError('Многотомные zip-архивы не принимаются');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ValidationError('Архивы zip64 не принимаются');
  if (count > MAX_ZIP_ENTRIES) throw new ValidationError(`В архиве больше ${MAX_ZIP_ENTRIES} файлов: это не отчёт 1С`);
  // The directory ends where the end record starts; counting from there covers a stub.
  const shift = end - (cdOffset + cdSize);
  if (shift < 0) throw corrupt();
  const records: CentralRecord[] = [];
  let at = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > end || zip.readUInt32LE(at) !== CENTRAL) throw corrupt();
    const nameLength = zip.readUInt16LE(at + 28);
    const length = CENTRAL_SIZE + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (at + length > end) throw corrupt();
    records.push({ at, length, name: zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength) });
    at += length;
  }
  if (at + 4 <= zip.length && zip.readUInt32LE(at) === CENTRAL) {
    throw new ValidationError('Каталог zip-архива содержит больше записей, чем объявлено');
  }
  return { end, shift, records };
}

function corrupt() {
  return new ValidationError('Каталог zip-архива повреждён');
}

/**
 * The entry called exactly `name`. A zip with more than one entry that some reader could
 * take for it (any case, `./`, `a/../`, backslashes) is refused: JSZip reads the last,
 * other tools the first, and the stored zip would mean different things to each.
 */
export function entryArchive(zip: Buffer, name: string): EntryArchive {
  const { shift, records } = readDirectory(zip);
  const wanted = Buffer.from(name, 'utf8');
  const names = records.filter((r) => r.name[r.name.length - 1] !== 0x2f).map((r) => r.name.toString('utf8'));
  const lookalikes = records.filter((r) => looseName(r.name.toString('utf8')) === name.toLowerCase());
  if (lookalikes.length > 1) throw new ValidationError(`В архиве больше одного файла ${name}: такой отчёт читается неоднозначно`);
  const found = records.find((r) => r.name.equals(wanted));
  if (!found) return { kind: 'missing', names };
  const archive = cutOut(zip, found.at, found.length, shift);
  return archive ? { kind: 'found', archive, names } : { kind: 'unusual' };
}

/** An entry name as the most forgiving reader would resolve it: `A\..\./Report.JSON` → `report.json`. */
function looseName(raw: string): string {
  const parts: string[] = [];
  for (const part of raw.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/').toLowerCase();
}

/** The end-of-central-directory record: the last signature within the comment's reach (as JSZip takes it). */
function findEnd(zip: Buffer): number | undefined {
  const last = zip.length - EOCD_SIZE;
  const stop = Math.max(0, last - MAX_COMMENT);
  for (let i = last; i >= stop; i--) {
    if (zip[i] === 0x50 && zip.readUInt32LE(i) === EOCD) return i;
  }
  return undefined;
}

/** Where an entry's data lies, from its central record and local header; undefined when they disagree. */
function dataRange(zip: Buffer, centralAt: number, shift: number): { local: number; start: number; end: number } | undefined {
  const compressedSize = zip.readUInt32LE(centralAt + 20);
  const uncompressedSize = zip.readUInt32LE(centralAt + 24);
  const localOffset = zip.readUInt32LE(centralAt + 42);
  if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) return undefined;
  const local = localOffset + shift;
  if (local + LOCAL_SIZE > zip.length || zip.readUInt32LE(local) !== LOCAL) return undefined;
  const start = local + LOCAL_SIZE + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const end = start + compressedSize;
  if (end > zip.length) return undefined;
  return { local, start, end };
}

/** Local header + data of the entry, its central record pointing at offset 0, and an end record. */
function cutOut(zip: Buffer, centralAt: number, centralLength: number, shift: number): Buffer | undefined {
  const range = dataRange(zip, centralAt, shift);
  if (!range) return undefined;
  const central = Buffer.from(zip.subarray(centralAt, centralAt + centralLength));
  central.writeUInt32LE(0, 42);
  const end = Buffer.alloc(EOCD_SIZE);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(range.end - range.local, 16);
  return Buffer.concat([zip.subarray(range.local, range.end), central, end]);
}

// ---- reading a stored zip's entries (the report page) ----------------------------------

/** One entry as the central directory declares it. Sizes are shown, never trusted. */
export interface ZipEntryInfo {
  /** Position in the central directory: how pages address an entry (never by its name). */
  index: number;
  /** Untrusted text: shown escaped, compared, never used as a path. */
  name: string;
  declaredSize: number;
  compressedSize: number;
  isDirectory: boolean;
}

/** The entries of a zip, in directory order; a ValidationError when the directory is damaged. */
export function listEntries(zip: Buffer): ZipEntryInfo[] {
  return readDirectory(zip).records.map((r, index) => ({
    index,
    name: r.name.toString('utf8'),
    declaredSize: zip.readUInt32LE(r.at + 24),
    compressedSize: zip.readUInt32LE(r.at + 20),
    isDirectory: r.name[r.name.length - 1] === 0x2f,
  }));
}

const STORED_METHOD = 0;
const DEFLATE_METHOD = 8;
const inflateRaw = promisify(zlib.inflateRaw);

/** The bytes of entry `index`, not more than `max` (a declared size can lie; a bomb stops at `max`). */
export async function readEntry(zip: Buffer, index: number, max: number): Promise<Buffer> {
  const { record, range, method, declared } = locate(zip, index);
  const raw = zip.subarray(range.start, range.end);
  let bytes: Buffer;
  if (method === STORED_METHOD) {
    if (raw.length > max) throw entryTooLarge(max);
    bytes = Buffer.from(raw);
  } else {
    try {
      // On the thread pool: a 2 MB screenshot must not stall the loop of every other request.
      bytes = await inflateRaw(raw, { maxOutputLength: max });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw entryTooLarge(max);
      throw new ValidationError(`Файл «${record.name.toString('utf8')}» в архиве повреждён`);
    }
  }
  if (bytes.length !== declared || zlib.crc32(bytes) !== zip.readUInt32LE(record.at + 16)) {
    throw new ValidationError(`Файл «${record.name.toString('utf8')}» в архиве повреждён (размер или контрольная сумма не совпадают)`);
  }
  return bytes;
}

/** The first bytes of entry `index` (at most `n`), inflating only a few kilobytes: for telling a PNG from HTML. */
export function peekEntry(zip: Buffer, index: number, n: number): Buffer {
  const { range, method } = locate(zip, index);
  const raw = zip.subarray(range.start, range.end);
  if (method === STORED_METHOD) return Buffer.from(raw.subarray(0, n));
  // A sync flush gives what a prefix inflates to, without asking for the rest. Prefixes
  // grow until they give `n` bytes: deflate expands at most ~1032 times, so a bomb that
  // expands from its first bytes stops at ~66 KB, and no prefix can stand for more than ~4 MB.
  for (const prefix of [64, 512, 4096]) {
    let out: Buffer;
    try {
      out = zlib.inflateRawSync(raw.subarray(0, Math.min(raw.length, prefix)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return Buffer.alloc(0);
    }
    if (out.length >= n || prefix >= raw.length) return out.subarray(0, n);
  }
  return Buffer.alloc(0);
}

function locate(zip: Buffer, index: number) {
  const { shift, records } = readDirectory(zip);
  const record = records[index];
  if (!record || !Number.isInteger(index)) throw new ValidationError('В архиве нет файла с таким номером');
  const range = dataRange(zip, record.at, shift);
  if (!range) throw corrupt();
  const method = zip.readUInt16LE(record.at + 10);
  if (method !== STORED_METHOD && method !== DEFLATE_METHOD) throw new ValidationError('Файл сжат неподдерживаемым методом');
  return { record, range, method, declared: zip.readUInt32LE(record.at + 24) };
}

function entryTooLarge(max: number) {
  return new PayloadTooLargeError(`Файл в архиве больше допустимых ${Math.round(max / 1024 / 1024)} МБ`);
}
