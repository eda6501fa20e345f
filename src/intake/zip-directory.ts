/**
 * Reads a report zip's central directory ourselves, before any zip library sees it, and
 * cuts one entry out as an archive of its own.
 * - Checked first (a crafted directory must not reach JSZip, which reads central records for
 *   as long as their signature repeats: a million of them cost seconds and half a gigabyte):
 *   exactly the declared number of records, at most MAX_ZIP_ENTRIES, no zip64 or multi-disk.
 * - Then JSZip is given only the wanted entry: its loader touches every byte it is given
 *   (≈2 ms per MB), and a report with a crash dump runs to tens of megabytes.
 */
import { ValidationError } from '../errors';

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

/** Local header + data of the entry, its central record pointing at offset 0, and an end record. */
function cutOut(zip: Buffer, centralAt: number, centralLength: number, shift: number): Buffer | undefined {
  const compressedSize = zip.readUInt32LE(centralAt + 20);
  const uncompressedSize = zip.readUInt32LE(centralAt + 24);
  const localOffset = zip.readUInt32LE(centralAt + 42);
  if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) return undefined;
  const local = localOffset + shift;
  if (local + LOCAL_SIZE > zip.length || zip.readUInt32LE(local) !== LOCAL) return undefined;
  const dataStart = local + LOCAL_SIZE + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const dataEnd = dataStart + compressedSize;
  if (dataEnd > zip.length) return undefined;

  const central = Buffer.from(zip.subarray(centralAt, centralAt + centralLength));
  central.writeUInt32LE(0, 42);
  const head = dataStart - local;
  const end = Buffer.alloc(EOCD_SIZE);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(head + compressedSize, 16);
  return Buffer.concat([zip.subarray(local, dataEnd), central, end]);
}
