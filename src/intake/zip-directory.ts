/**
 * Finds one entry of a zip through its central directory and cuts it out as an archive
 * of its own, so that JSZip reads and inflates a few kilobytes instead of the whole report.
 * JSZip's loader touches every byte of what it is given (≈2 ms per MB on our servers), and
 * a report with a crash dump runs to tens of megabytes: a stall for every request in the
 * process. Only the plain layout is handled here (no zip64, no multi-disk archive, which
 * zip-guard.ts refuses anyway); for anything else the caller gives JSZip the whole archive,
 * as before, and takes its verdict.
 */

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
  /** Not a layout handled here: read the whole archive. */
  | { kind: 'unusual' };

/** The entry called exactly `name` (the last one, if repeated, as JSZip takes it). */
export function entryArchive(zip: Buffer, name: string): EntryArchive {
  const end = findEnd(zip);
  if (end === undefined) return { kind: 'unusual' };
  const disk = zip.readUInt16LE(end + 4);
  const cdDisk = zip.readUInt16LE(end + 6);
  const count = zip.readUInt16LE(end + 10);
  const cdSize = zip.readUInt32LE(end + 12);
  const cdOffset = zip.readUInt32LE(end + 16);
  if (disk !== 0 || cdDisk !== 0 || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return { kind: 'unusual' };
  // Bytes before the first entry (a self-extractor stub) shift every offset; JSZip allows it.
  const shift = end - (cdOffset + cdSize);
  if (shift < 0) return { kind: 'unusual' };

  const wanted = Buffer.from(name, 'utf8');
  const names: string[] = [];
  let found: { at: number; length: number } | undefined;
  let at = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > end || zip.readUInt32LE(at) !== CENTRAL) return { kind: 'unusual' };
    const nameLength = zip.readUInt16LE(at + 28);
    const length = CENTRAL_SIZE + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (at + length > end) return { kind: 'unusual' };
    const entryName = zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    if (entryName[entryName.length - 1] !== 0x2f) names.push(entryName.toString('utf8'));
    if (entryName.equals(wanted)) found = { at, length };
    at += length;
  }
  if (!found) return { kind: 'missing', names };
  const archive = cutOut(zip, found.at, found.length, shift);
  return archive ? { kind: 'found', archive, names } : { kind: 'unusual' };
}

/** The end-of-central-directory record: the last signature within the comment's reach (as JSZip and zip-guard.ts take it). */
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
