import { ValidationError } from '../web/errors';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** A report zip holds report.json, a screenshot, a few attached files and maybe a dump. */
export const MAX_ZIP_ENTRIES = 1000;

/**
 * Checks the zip's central directory before any zip library sees it: exactly the number
 * of records the end record declares, at most MAX_ZIP_ENTRIES, no multi-disk or zip64
 * archives. JSZip reads central records for as long as their signature repeats, so a
 * crafted directory of a million records would otherwise cost seconds and half a gigabyte.
 */
export function assertSaneZip(zip: Buffer): void {
  const eocd = findEndRecord(zip);
  if (eocd < 0) throw new ValidationError('Тело запроса не является zip-архивом отчёта (нет конца каталога архива)');
  const disk = zip.readUInt16LE(eocd + 4);
  const cdDisk = zip.readUInt16LE(eocd + 6);
  const onDisk = zip.readUInt16LE(eocd + 8);
  const total = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) throw new ValidationError('Многотомные zip-архивы не принимаются');
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ValidationError('Архивы zip64 не принимаются');
  if (total > MAX_ZIP_ENTRIES) throw new ValidationError(`В архиве больше ${MAX_ZIP_ENTRIES} файлов: это не отчёт 1С`);
  // The directory ends where the end record starts; counting from there also covers bytes
  // prepended to the archive (a self-extractor stub), which shift every declared offset.
  const cdStart = eocd - cdSize;
  if (cdStart < 0 || cdOffset > cdStart) throw new ValidationError('Каталог zip-архива повреждён');
  let pos = cdStart;
  for (let i = 0; i < total; i++) {
    if (pos + 46 > eocd || zip.readUInt32LE(pos) !== CENTRAL) throw new ValidationError('Каталог zip-архива повреждён');
    pos += 46 + zip.readUInt16LE(pos + 28) + zip.readUInt16LE(pos + 30) + zip.readUInt16LE(pos + 32);
  }
  if (pos + 4 <= zip.length && zip.readUInt32LE(pos) === CENTRAL) {
    throw new ValidationError('Каталог zip-архива содержит больше записей, чем объявлено');
  }
}

/** The end-of-central-directory record: the last one in the final 64 KiB + 22 bytes. */
function findEndRecord(zip: Buffer): number {
  const stop = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let i = zip.length - EOCD_SIZE; i >= stop; i--) {
    if (zip.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}
