// A hostile 1C client: raw HTTP from a chosen loopback address (Linux routes all of
// 127.0.0.0/8 to lo, so each address is a client of its own for the monitor), slow bodies.
import http from 'node:http';
import JSZip from 'jszip';
import { buildReportJson } from './build-report';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One request from `from`; resolves with the answer (never rejects on an HTTP status). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer; from?: string },
): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface SlowUpload {
  /** Resolves with the status the service answered, or 0 when it closed the connection without one. */
  answer: Promise<{ status: number; ms: number }>;
  stop(): void;
}

/**
 * A pushReport that sends one byte every `everyMs`: with a declared Content-Length of
 * 64 MB, or chunked. It never finishes on its own.
 */
export function slowUpload(url: string, opts: { from: string; chunked: boolean; everyMs: number }): SlowUpload {
  const started = Date.now();
  const headers: Record<string, string | number> = { 'Content-Type': 'application/zip' };
  if (opts.chunked) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = 64 * 1024 * 1024;
  let timer: NodeJS.Timeout | undefined;
  const req = http.request(url, { method: 'POST', headers, localAddress: opts.from, agent: false });
  const answer = new Promise<{ status: number; ms: number }>((resolve) => {
    const done = (status: number) => {
      clearInterval(timer);
      resolve({ status, ms: Date.now() - started });
      req.destroy();
    };
    req.on('response', (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(0));
    req.on('close', () => done(0));
  });
  req.flushHeaders();
  timer = setInterval(() => req.write('P'), opts.everyMs);
  return { answer, stop: () => req.destroy() };
}

/**
 * The crafted upload: 50 texts of 8,000 characters, 200 extensions and a long
 * description, all repetitive, so the zip stays about 8 KB; `n` makes each a new error.
 */
export async function craftedZip(n: number): Promise<Buffer> {
  const json = buildReportJson({
    clientId: null,
    texts: Array.from({ length: 50 }, (_, i) => `${n}:${i} ` + 'Ж'.repeat(8000)),
    userDescription: 'Описание '.repeat(2000),
    userName: 'Пользователь'.repeat(100),
    edit: (j) => {
      j.configInfo.extentions = Array.from({ length: 200 }, (_, i) => ['Расширение'.repeat(20) + i, 'f'.repeat(200)]);
      j.clientInfo.appVersion = '8'.repeat(5000);
      j.clientInfo.platformType = 'П'.repeat(5000);
    },
  });
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(json));
  return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } }));
}
