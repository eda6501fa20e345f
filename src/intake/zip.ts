import zlib from 'node:zlib';
import JSZip from 'jszip';
import { PayloadTooLargeError, ValidationError } from '../errors';
import { formatBytes } from '../sizes';
import { entryArchive } from './zip-directory';

export interface OpenedReport {
  /** report.json as parsed JSON, not yet validated. */
  json: unknown;
  /** Entry names of the zip, for the page ("Файл(ы)") — never used as paths. */
  entries: string[];
  /** Characters of report.json as inflated (what it costs, whatever the directory declares). */
  textChars: number;
}

/**
 * Reads report.json out of a report zip without extracting anything to disk. The central
 * directory is checked and read by zip-directory.ts first; JSZip is given only
 * report.json's entry, so the cost does not grow with the screenshot or dump beside it. The inflated size is
 * bounded while inflating: a declared size can lie, a bomb cannot pass.
 */
export async function openReportZip(zipBytes: Buffer, maxJsonBytes: number): Promise<OpenedReport> {
  if (zipBytes.length === 0) throw new ValidationError('Пустой запрос: нет архива отчёта');
  const cut = entryArchive(zipBytes, 'report.json');
  if (cut.kind === 'missing') throw noReportJson();
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(cut.kind === 'found' ? cut.archive : zipBytes, { checkCRC32: false });
  } catch {
    throw new ValidationError('Тело запроса не является zip-архивом отчёта (архив повреждён или обрезан)');
  }
  const entry = zip.file('report.json');
  if (!entry || entry.dir) throw noReportJson();
  const text = await inflateBounded(entry, maxJsonBytes);
  let json: unknown;
  try {
    json = JSON.parse(stripBom(text));
  } catch {
    throw new ValidationError('report.json не является корректным JSON');
  }
  const entries = cut.kind === 'found' ? cut.names : Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  return { json, entries, textChars: text.length };
}

function noReportJson() {
  return new ValidationError('В архиве нет report.json');
}

/** JSZip's record of an entry's bytes (its typings omit it). */
interface EntryData {
  uncompressedSize?: number;
  compressedContent?: unknown;
  compression?: { magic?: string };
}

const DEFLATE_MAGIC = '\x08\x00';

async function inflateBounded(entry: JSZip.JSZipObject, max: number): Promise<string> {
  const data = (entry as unknown as { _data?: EntryData })._data;
  if (typeof data?.uncompressedSize === 'number' && data.uncompressedSize > max) throw jsonTooLarge(max);
  const raw = data?.compressedContent;
  if (raw instanceof Uint8Array && data?.compression?.magic === DEFLATE_MAGIC) return inflateNative(raw, max);
  return inflateStreaming(entry, max);
}

/**
 * Deflated report.json through Node's zlib: a third of pako's time and no worker chain of
 * event-loop turns. zlib stops as soon as the output passes `max`.
 */
function inflateNative(raw: Uint8Array, max: number): string {
  try {
    return zlib.inflateRawSync(raw, { maxOutputLength: max }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw jsonTooLarge(max);
    throw new ValidationError('report.json в архиве повреждён');
  }
}

/** Any other entry (stored, or a JSZip without the record above): JSZip's own stream, bounded as it goes. */
async function inflateStreaming(entry: JSZip.JSZipObject, max: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    // internalStream is JSZip's public streaming API; its typings omit it.
    const helper = (entry as unknown as { internalStream(type: 'uint8array'): StreamHelper }).internalStream('uint8array');
    helper
      .on('data', (chunk: Uint8Array) => {
        size += chunk.length;
        if (size > max) {
          helper.pause(); // stops the inflating worker chain: nothing more is produced
          reject(jsonTooLarge(max));
          return;
        }
        chunks.push(chunk);
      })
      .on('error', () => reject(new ValidationError('report.json в архиве повреждён')))
      .on('end', () => resolve())
      .resume();
  });
  return Buffer.concat(chunks, size).toString('utf8');
}

function jsonTooLarge(max: number) {
  return new PayloadTooLargeError(`report.json больше допустимых ${formatBytes(max)}`);
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

interface StreamHelper {
  on(event: 'data', cb: (chunk: Uint8Array) => void): StreamHelper;
  on(event: 'error', cb: (err: Error) => void): StreamHelper;
  on(event: 'end', cb: () => void): StreamHelper;
  pause(): StreamHelper;
  resume(): StreamHelper;
}
