import JSZip from 'jszip';
import { PayloadTooLargeError, ValidationError } from '../web/errors';
import { assertSaneZip } from './zip-guard';

export interface OpenedReport {
  /** report.json as parsed JSON, not yet validated. */
  json: unknown;
  /** Entry names of the zip, for the page ("Файл(ы)") — never used as paths. */
  entries: string[];
}

/**
 * Reads report.json out of a report zip without extracting anything to disk. The
 * inflated size is bounded while inflating: a declared size can lie, a bomb cannot pass.
 */
export async function openReportZip(zipBytes: Buffer, maxJsonBytes: number): Promise<OpenedReport> {
  if (zipBytes.length === 0) throw new ValidationError('Пустой запрос: нет архива отчёта');
  assertSaneZip(zipBytes);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(zipBytes, { checkCRC32: false });
  } catch {
    throw new ValidationError('Тело запроса не является zip-архивом отчёта (архив повреждён или обрезан)');
  }
  const entry = zip.file('report.json');
  if (!entry || entry.dir) throw new ValidationError('В архиве нет report.json');
  const text = await inflateBounded(entry, maxJsonBytes);
  let json: unknown;
  try {
    json = JSON.parse(stripBom(text));
  } catch {
    throw new ValidationError('report.json не является корректным JSON');
  }
  return { json, entries: Object.keys(zip.files).filter((n) => !zip.files[n]!.dir) };
}

async function inflateBounded(entry: JSZip.JSZipObject, max: number): Promise<string> {
  const declared = (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize;
  if (typeof declared === 'number' && declared > max) throw jsonTooLarge(max);
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
  return new PayloadTooLargeError(`report.json больше допустимых ${Math.round(max / 1024 / 1024)} МБ`);
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
