/**
 * The intake benchmark's reports: one definition of "error N" shared by the prefill (which
 * writes its rows) and the load generator (which sends more reports of it), so that a
 * report sent for error N lands on the row the prefill wrote. Reports are the sample
 * `client-error` with the error's texts, version and stack hash, a fresh id, a computer,
 * and (in half of them) a screenshot, zipped by a tiny writer: the load generator makes
 * thousands per second and must not be the bottleneck.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { sampleReportJson } from '../helpers/samples';

export const CONFIG_NAME = 'МедицинаБольница';
export const SETTINGS = {
  configurations: [{ name: CONFIG_NAME, versions: ['2.0.6.'], recipients: ['med@example.ru'] }],
  userMessage: 'Отчёт передан разработчикам',
  dumpType: 0,
};

/** Prefilled reports per error: 10 on average, error 0 is the hot one with a tenth of all. */
export function reportsOfError(error: number, errors: number, reports: number): number {
  const hot = Math.floor(reports / 10);
  if (error === 0) return hot;
  const rest = reports - hot;
  const base = Math.floor(rest / (errors - 1));
  return base + (error - 1 < rest - base * (errors - 1) ? 1 : 0);
}

/** The computer of the r-th prefilled report of an error (a repeat from it folds). */
export const prefilledClient = (error: number, r: number) => `pc-${error}-${r}`;

const SAMPLE = sampleReportJson('client-error') as Record<string, any>;

export interface ReportOf {
  /** An error number; at or past the prefilled count it is a new error. */
  error: number;
  uid: string;
  clientId: string;
  time: string;
  description?: string;
}

/** report.json of one report of error N, as the platform writes it. */
export function reportJson(r: ReportOf): Record<string, any> {
  const json = structuredClone(SAMPLE);
  const n = r.error;
  json.id = r.uid;
  json.time = r.time;
  json.clientInfo.systemInfo.clientID = r.clientId;
  json.configInfo.version = `2.0.6.${40 + (n % 20)}`;
  json.errorInfo.userDescription = r.description ?? '';
  json.errorInfo.applicationErrorInfo.errors = [
    [`{Документ.КартаПациента.Форма.ФормаДокумента.Форма(${n % 900})}: Ошибка при вызове метода контекста (Записать)`, ['ExceptionRaisedFromScript']],
    [`{Документ.КартаПациента.МодульОбъекта(${1000 + (n % 1200)})}: Не заполнено поле "Лечащий врач" (случай ${n})`, ['ExceptionRaisedFromScript']],
  ];
  json.errorInfo.applicationErrorInfo.stackHash = n.toString(16).toUpperCase().padStart(32, 'F');
  return json;
}

export type MixKind = 'new-report' | 'folded' | 'new-error';

/**
 * One report of the benchmark's mix over a database prefilled with `setup`: 75% a new
 * report of a prefilled error from a new computer (a tenth of them of the hot error), 20% a
 * repeat from a computer that already reported that error (folds), 5% a brand-new error
 * (numbered by `nextNewError`). Half carry a screenshot; a quarter a user description.
 * `rand(n)` is the caller's generator: the same seed gives the same mix.
 */
export function mixedReport(
  rand: (n: number) => number,
  setup: { errors: number; reports: number },
  nextNewError: () => number,
): { kind: MixKind; json: Record<string, any>; screenshot: number | undefined } {
  const roll = rand(100);
  let kind: MixKind;
  let error: number;
  let clientId: string;
  if (roll < 75) {
    kind = 'new-report';
    error = rand(10) === 0 ? 0 : rand(setup.errors);
    clientId = randomUUID();
  } else if (roll < 95) {
    kind = 'folded';
    error = rand(setup.errors);
    clientId = prefilledClient(error, rand(reportsOfError(error, setup.errors, setup.reports)));
  } else {
    kind = 'new-error';
    error = setup.errors + 1_000_000 + nextNewError();
    clientId = randomUUID();
  }
  const json = reportJson({
    error,
    uid: randomUUID(),
    clientId,
    time: new Date().toISOString(),
    description: rand(4) === 0 ? `Нажала «Провести и закрыть», запись ${rand(100000)}` : undefined,
  });
  return { kind, json, screenshot: rand(2) === 0 ? rand(3) : undefined };
}

/** A generator of the numbers 0 … 2³²−1 (xorshift32), the same sequence for the same seed. */
export function xorshift(seed = 2463534242): (n: number) => number {
  return (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
}

/** Screenshots: a few incompressible blobs of 20–60 KB, as PNGs are. */
const SCREENSHOTS = [20, 35, 60].map((kb) => {
  const data = randomBytes(kb * 1024);
  return { data, crc: zlib.crc32(data) };
});

/** The report's zip: report.json deflated, plus screenshot.png stored when `screenshot`. */
export function reportZip(json: Record<string, any>, screenshot: number | undefined): Buffer {
  return Buffer.concat(reportZipParts(json, screenshot));
}

/** The zip as consecutive pieces; the screenshot's is shared by every zip that has it. */
export function reportZipParts(json: Record<string, any>, screenshot: number | undefined): Buffer[] {
  const text = Buffer.from(JSON.stringify(json, null, 4), 'utf8');
  const entries: ZipEntry[] = [{ name: 'report.json', data: zlib.deflateRawSync(text), size: text.length, crc: zlib.crc32(text), method: 8 }];
  if (screenshot !== undefined) {
    const shot = SCREENSHOTS[screenshot % SCREENSHOTS.length]!;
    entries.push({ name: 'screenshot.png', data: shot.data, size: shot.data.length, crc: shot.crc, method: 0 });
  } else {
    delete json.screenshot;
  }
  return writeZip(entries);
}

interface ZipEntry {
  name: string;
  data: Buffer;
  size: number;
  crc: number;
  method: 0 | 8;
}

/** A plain zip: local headers, central directory, end record (no zip64, no extras). */
function writeZip(entries: ZipEntry[]): Buffer[] {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0x6000, 10); // 12:00
    local.writeUInt16LE(0x5b74, 12); // 2025-11-20
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    local.copy(cd, 8, 6, 28); // flags … name length are the same fields
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return [...parts, Buffer.concat([...central, end])];
}
