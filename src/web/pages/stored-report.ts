import fsp from 'node:fs/promises';
import { openReportZip } from '../../intake/zip';
import { listEntries, peekEntry, readEntry, type ZipEntryInfo } from '../../intake/zip-directory';
import { ReportSchema, type Report } from '../../intake/report-schema';
import { attachmentsOf } from '../../registry/attachments';
import { findReport, neighbourReports, type StoredReportRow } from '../../storage/pages-repo';
import type { Store } from '../../storage/store';
import type { ZipStore } from '../../storage/zip-store';
import { ByteLru } from '../byte-lru';
import { AppError, NotFoundError, PayloadTooLargeError } from '../../errors';
import { imageTypeOf, type ImageType } from './image-type';

/** What the zip of a report holds, read once and cached (the row is read fresh every time). */
export interface ZipContents {
  /** report.json as parsed JSON (any shape: it passed intake, but shown liberally). */
  json: unknown;
  /** The same through the report schema, for the fields the key rests on; undefined if it no longer parses. */
  report: Report | undefined;
  jsonBytes: number;
  entries: ZipEntryInfo[];
  reportJsonIndex: number;
  screenshot?: { name: string; index?: number; type?: ImageType };
  /** Entries that are attached files (attachments.ts), and listed names the zip lacks. */
  files: ZipEntryInfo[];
  missingFiles: string[];
  dump?: { name?: string; index?: number; type?: unknown; reasonForNoDump?: unknown };
}

export interface StoredReport {
  row: StoredReportRow;
  previous?: number;
  next?: number;
  /** Undefined when the zip is missing or damaged: `problem` says why, in Russian. */
  contents?: ZipContents;
  problem?: string;
}

/** The zip of a stored report cannot be read: a state of the disk, told on the page, never a 500. */
export class StoredZipError extends AppError {
  override name = 'StoredZipError';
  override readonly status = 422;
  override readonly code = 'stored-zip';
  override readonly expose = true;
}

const MB = 1024 * 1024;

export interface ReportReaderOptions {
  /** Bound on report.json inflated, as at intake. */
  maxJsonBytes: number;
  /** Bound on any other entry served (a screenshot, a file, a dump). */
  maxEntryBytes: number;
  /** Bound on the parsed reports kept in memory. */
  cacheBytes: number;
}

/**
 * Reads stored reports for their page: the row from the database, the rest from the
 * stored zip on demand — read into memory, never extracted, entries addressed by their
 * index in the central directory. Parsed zips are cached within a byte bound.
 */
export function createReportReader(store: Store, zips: ZipStore, options: ReportReaderOptions) {
  // A parsed JSON value weighs a few times its text.
  const cache = new ByteLru<ZipContents>(options.cacheBytes, Math.max(options.cacheBytes / 4, 1));

  function rowOf(reportId: number): StoredReportRow & { previous?: number; next?: number } {
    const found = store.read((db) => {
      const row = findReport(db, reportId);
      return row ? { ...row, ...neighbourReports(db, row.error_id, reportId) } : undefined;
    });
    if (!found) throw new NotFoundError(`Отчёт №${reportId} не найден. Возможно, он удалён очисткой.`);
    return found;
  }

  /** The zip's bytes, or a StoredZipError saying what is wrong with it. */
  async function zipBytes(row: StoredReportRow): Promise<Buffer> {
    const path = zips.locate(row.zip_name);
    const bytes = path ? await fsp.readFile(path).catch(() => undefined) : undefined;
    if (!bytes) {
      const err = new StoredZipError(`Файл отчёта ${row.id} отсутствует в хранилище pult.`);
      err.hint = 'Запись об отчёте есть, а его файла нет: возможно, файл удалён вручную или при сбое. Сообщите администратору pult.';
      throw err;
    }
    return bytes;
  }

  async function contentsOf(row: StoredReportRow): Promise<ZipContents> {
    const key = `${row.id}:${row.zip_name}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const bytes = await zipBytes(row);
    const contents = await damagedAsStoredZipError(row, () => parseZip(bytes, options.maxJsonBytes));
    cache.set(key, contents, contents.jsonBytes * 4 + contents.entries.length * 200);
    return contents;
  }

  /** The report with its zip read; a missing or damaged zip leaves `problem` instead of failing. */
  async function read(reportId: number): Promise<StoredReport> {
    const { previous, next, ...row } = rowOf(reportId);
    try {
      return { row, previous, next, contents: await contentsOf(row) };
    } catch (err) {
      if (err instanceof StoredZipError) return { row, previous, next, problem: err.message };
      throw err;
    }
  }

  /** Entry `index` of the report's zip, bounded, with what the directory says about it. */
  async function entry(reportId: number, index: number, max = options.maxEntryBytes): Promise<{ info: ZipEntryInfo; bytes: Buffer; contents: ZipContents; row: StoredReportRow }> {
    const { previous: _p, next: _n, ...row } = rowOf(reportId);
    const contents = await contentsOf(row);
    const info = contents.entries[index];
    if (!info || info.isDirectory) throw new NotFoundError(`В архиве отчёта ${reportId} нет файла №${index}.`);
    const zip = await zipBytes(row);
    const bytes = await damagedAsStoredZipError(row, () => readEntry(zip, index, max));
    return { info, bytes, contents, row };
  }

  return { read, entry };
}

export type ReportReader = ReturnType<typeof createReportReader>;

async function damagedAsStoredZipError<T>(row: StoredReportRow, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // A file over the size limit is not a damaged archive: its own message says so.
    if (!(err instanceof AppError) || err instanceof StoredZipError || err instanceof PayloadTooLargeError) throw err;
    const wrapped = new StoredZipError(`Архив отчёта ${row.id} повреждён: ${err.message}.`);
    wrapped.hint = 'Файл отчёта на диске не читается. Скачайте zip целиком и проверьте его; сообщите администратору pult.';
    throw wrapped;
  }
}

/** Directory, report.json and the roles of the other entries (attachments.ts decides "attached"). */
async function parseZip(zip: Buffer, maxJsonBytes: number): Promise<ZipContents> {
  const entries = listEntries(zip);
  const reportJsonIndex = lastIndexNamed(entries, 'report.json');
  if (reportJsonIndex === undefined) throw new StoredZipError('В архиве нет report.json');
  // report.json as intake reads it: the same bound, the same reader.
  const { json, textChars } = await openReportZip(zip, maxJsonBytes);
  // What it really takes in memory (the cache's weight), not what the directory declares.
  const jsonBytes = Math.max(textChars * 2, entries[reportJsonIndex]!.declaredSize);
  const parsed = ReportSchema.safeParse(json);
  const report = parsed.success ? parsed.data : undefined;
  const names = entries.filter((e) => !e.isDirectory).map((e) => e.name);
  const attached = attachmentsOf(report ?? {}, names);
  const inZip = new Set(attached.inZip);
  const files = entries.filter((e) => !e.isDirectory && inZip.has(e.name));

  let screenshot: ZipContents['screenshot'];
  const shotName = report?.screenshot?.file;
  if (shotName) {
    const index = lastIndexNamed(entries, shotName);
    screenshot = { name: shotName, index, type: index === undefined ? undefined : imageTypeOf(peekEntry(zip, index, 16)) };
  }
  let dump: ZipContents['dump'];
  const rawDump = (json as { dump?: unknown })?.dump;
  if (rawDump && typeof rawDump === 'object') {
    const d = rawDump as Record<string, unknown>;
    const name = typeof d.file === 'string' && d.file ? d.file : undefined;
    dump = { name, index: name ? lastIndexNamed(entries, name) : undefined, type: d.type, reasonForNoDump: d.reasonForNoDump };
  }
  return { json, report, jsonBytes, entries, reportJsonIndex, screenshot, files, missingFiles: attached.missing, dump };
}

/** The last entry of that name, as JSZip (and so intake) takes a repeated name. */
function lastIndexNamed(entries: ZipEntryInfo[], name: string): number | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.name === name && !entries[i]!.isDirectory) return i;
  return undefined;
}

export const READER_DEFAULTS = { maxEntryBytes: 64 * MB, cacheBytes: 32 * MB } as const;
