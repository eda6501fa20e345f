import { ValidationError } from '../errors';

/**
 * Finds the report zip in a pushReport body. The platform sends multipart/form-data with
 * a `uuid<GUID>` boundary and a broken part header (`Content-Type: Content-Type`), so we
 * do not validate part headers: we take the field `report`, else the first part with a
 * file name, else (no multipart at all) the whole body.
 */
export function extractReportZip(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = multipartBoundary(contentType);
  if (!boundary) return body;
  const parts = splitParts(body, boundary);
  const report = parts.find((p) => p.name === 'report');
  if (report) return report.data;
  const file = parts.find((p) => p.filename !== undefined);
  if (file) return file.data;
  // Declared multipart but no usable part: let the zip reader say what is wrong with it.
  return parts[0]?.data ?? body;
}

function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

interface Part {
  name?: string;
  filename?: string;
  data: Buffer;
}

/** The platform sends one part; a body with more than this many is not a report. */
const MAX_PARTS = 16;

function splitParts(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  let seen = 0;
  while (pos !== -1) {
    if (++seen > MAX_PARTS) throw new ValidationError(`В запросе больше ${MAX_PARTS} частей multipart: это не отчёт 1С`);
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing "--boundary--"
    start = skipLineBreak(body, start);
    const next = body.indexOf(delimiter, start);
    const end = next === -1 ? body.length : trimLineBreak(body, next);
    const headerEnd = indexOfBlankLine(body, start, end);
    if (headerEnd) {
      const headers = body.subarray(start, headerEnd.at).toString('latin1');
      const part = { ...dispositionOf(headers), data: body.subarray(headerEnd.at + headerEnd.len, end) };
      parts.push(part);
      if (part.name === 'report') break; // what we came for: the rest is not read
    }
    pos = next;
  }
  return parts;
}

function skipLineBreak(b: Buffer, i: number): number {
  if (b[i] === 0x0d && b[i + 1] === 0x0a) return i + 2;
  if (b[i] === 0x0a) return i + 1;
  return i;
}

/** The CRLF before a delimiter belongs to the delimiter, not to the part's data. */
function trimLineBreak(b: Buffer, i: number): number {
  if (b[i - 2] === 0x0d && b[i - 1] === 0x0a) return i - 2;
  if (b[i - 1] === 0x0a) return i - 1;
  return i;
}

/** The end of a part's headers, searched only inside the part: the cost stays linear. */
function indexOfBlankLine(b: Buffer, from: number, to: number): { at: number; len: number } | undefined {
  const part = b.subarray(from, to);
  const crlf = part.indexOf('\r\n\r\n');
  if (crlf !== -1) return { at: from + crlf, len: 4 };
  const lf = part.indexOf('\n\n');
  if (lf !== -1) return { at: from + lf, len: 2 };
  return undefined;
}

function dispositionOf(headers: string): { name?: string; filename?: string } {
  const line = headers.split(/\r?\n/).find((l) => /^content-disposition:/i.test(l)) ?? '';
  const name = /\bname="([^"]*)"/i.exec(line)?.[1];
  const filename = /\bfilename="([^"]*)"/i.exec(line)?.[1];
  return { name, filename };
}
