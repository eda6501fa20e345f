import type { ZipEntryInfo } from '../../intake/zip-directory';
import { formatBytes } from '../../sizes';
import { formatCount, presentReport, type ReportView } from './present';
import { foldStack, type StackView } from './stack-fold';
import type { StoredReport, ZipContents } from './stored-report';

/**
 * A stored report → what s/report/R shows, section by section. report.json is untrusted
 * and shaped as the client pleased: every value is read with a type check and becomes
 * text (escaped by the template); nothing here can throw on an odd shape.
 */
export interface ReportPageView {
  id: number;
  errorId: number;
  row: ReportView;
  previousHref?: string;
  nextHref?: string;
  errorHref: string;
  zipHref: string;
  problem?: string;
  /** Absent when the zip could not be read. */
  zip?: ZipView;
}

interface ZipView {
  clientTime: string;
  chain?: { text: string; categories: string[] }[];
  stack?: StackView;
  stackHash: string;
  system: { clientStack: string; clientStackHash: string; serverStack: string; serverStackHash: string; crashed: boolean };
  client: Record<string, string>;
  session: Record<string, string>;
  server: Record<string, string>;
  config?: { fields: Record<string, string>; offSupport: boolean; extensions: Pair[]; disabled: Pair[] };
  additionalInfo?: string;
  additionalData?: string;
  screenshot?: { name: string; href?: string; state: 'ok' | 'missing' | 'not-image' };
  files: { name: string; size: string; href: string }[];
  missingFiles: string[];
  dump?: { name: string; href?: string; size?: string; type: string; reason: string };
  entries: { index: number; name: string; size: string; href?: string }[];
  rawJson: string;
  rawJsonCut: boolean;
  rawJsonHref: string;
}

type Pair = { name: string; hash: string };

/** The pretty report.json shown on the page at most (the download has all of it). */
const RAW_SHOWN = 256 * 1024;

export function reportPageView(s: StoredReport, base: string): ReportPageView {
  const { row } = s;
  const here = `${base}s/report/`;
  return {
    id: row.id,
    errorId: row.error_id,
    row: presentReport(row),
    previousHref: s.previous ? `${here}${s.previous}` : undefined,
    nextHref: s.next ? `${here}${s.next}` : undefined,
    errorHref: `${base}s/reports/${row.error_id}#r${row.id}`,
    zipHref: `${base}s/reports/${row.error_id}/zip/${row.id}`,
    problem: s.problem,
    zip: s.contents ? zipView(s.contents, `${here}${row.id}/`) : undefined,
  };
}

function zipView(c: ZipContents, here: string): ZipView {
  const j = c.json;
  const app = at(j, 'errorInfo', 'applicationErrorInfo');
  const chain = c.report?.errorInfo?.applicationErrorInfo?.errors;
  const sys = at(j, 'errorInfo', 'systemErrorInfo');
  const sysInfo = at(j, 'clientInfo', 'systemInfo');
  const cfg = at(j, 'configInfo');
  const fileHref = (e: ZipEntryInfo) => `${here}file/${e.index}`;
  const raw = JSON.stringify(j, null, 2) ?? '';
  return {
    clientTime: str(at(j, 'time')),
    chain,
    stack: foldStack(at(app, 'stack'), chain?.[chain.length - 1]?.text),
    stackHash: str(at(app, 'stackHash')),
    system: {
      clientStack: str(at(sys, 'clientStack')),
      clientStackHash: str(at(sys, 'clientStackHash')),
      serverStack: str(at(sys, 'serverStack')),
      serverStackHash: str(at(sys, 'serverStackHash')),
      crashed: at(sys, 'systemCrash') === true,
    },
    client: {
      'Пользователь': str(at(j, 'sessionInfo', 'userName')),
      'Компьютер (clientID)': str(at(sysInfo, 'clientID')),
      'Платформа клиента': str(at(j, 'clientInfo', 'platformType')),
      'Версия платформы': str(at(j, 'clientInfo', 'appVersion')),
      'Приложение': str(at(j, 'clientInfo', 'appName')),
      'ОС': str(at(sysInfo, 'osVersion')),
      'Процессор': str(at(sysInfo, 'processor')),
      'Память': ram(at(sysInfo, 'fullRAM'), at(sysInfo, 'freeRAM')),
      'Браузер (user agent)': str(at(sysInfo, 'useragent')),
    },
    session: {
      'Язык сеанса': str(at(j, 'sessionInfo', 'localeCode')),
      'Язык интерфейса платформы': str(at(j, 'sessionInfo', 'platformInterfaceLanguageCode')),
      'Язык интерфейса конфигурации': str(at(j, 'sessionInfo', 'configurationInterfaceLanguageCode')),
      'Язык информационной базы': str(at(j, 'infoBaseInfo', 'localeCode')),
      'Разделение данных': str(at(j, 'sessionInfo', 'dataSeparation')) || (at(j, 'sessionInfo') ? 'нет' : ''),
    },
    server: {
      'Платформа сервера': str(at(j, 'serverInfo', 'type')),
      'Версия сервера': str(at(j, 'serverInfo', 'appVersion')),
      'СУБД': str(at(j, 'serverInfo', 'dbms')),
    },
    config: cfg
      ? {
          fields: {
            'Имя': str(at(cfg, 'name')),
            'Синоним': str(at(cfg, 'description')),
            'Версия': str(at(cfg, 'version')),
            'Режим совместимости': str(at(cfg, 'compatibilityMode')),
            'Хеш': str(at(cfg, 'hash')),
          },
          offSupport: at(cfg, 'changeEnabled') === true,
          extensions: pairs(at(cfg, 'extentions')),
          disabled: pairs(at(cfg, 'disabledExtentions')),
        }
      : undefined,
    additionalInfo: at(j, 'additionalInfo') === undefined ? undefined : str(at(j, 'additionalInfo')) || JSON.stringify(at(j, 'additionalInfo')),
    additionalData: at(j, 'additionalData') === undefined ? undefined : JSON.stringify(at(j, 'additionalData'), null, 2),
    screenshot: c.screenshot && {
      name: c.screenshot.name,
      href: c.screenshot.type ? `${here}screenshot` : undefined,
      state: c.screenshot.index === undefined ? 'missing' : c.screenshot.type ? 'ok' : 'not-image',
    },
    files: c.files.map((e) => ({ name: e.name, size: formatBytes(e.declaredSize), href: fileHref(e) })),
    missingFiles: c.missingFiles,
    dump: c.dump && dumpView(c, fileHref),
    entries: c.entries.map((e) => ({ index: e.index, name: e.name, size: formatBytes(e.declaredSize), href: e.isDirectory ? undefined : fileHref(e) })),
    rawJson: raw.length > RAW_SHOWN ? raw.slice(0, RAW_SHOWN) : raw,
    rawJsonCut: raw.length > RAW_SHOWN,
    rawJsonHref: `${here}report.json`,
  };
}

function dumpView(c: ZipContents, fileHref: (e: ZipEntryInfo) => string): ZipView['dump'] {
  const d = c.dump!;
  const entry = d.index === undefined ? undefined : c.entries[d.index];
  return {
    name: d.name ?? '',
    href: entry && fileHref(entry),
    size: entry && formatBytes(entry.declaredSize),
    type: str(d.type),
    reason: str(d.reasonForNoDump),
  };
}

function ram(full: unknown, free: unknown): string {
  const parts: string[] = [];
  if (typeof full === 'number' && full >= 0) parts.push(`всего ${formatBytes(full)}`);
  if (typeof free === 'number' && free >= 0) parts.push(`свободно ${formatBytes(free)}`);
  return parts.join(', ');
}

function pairs(v: unknown): Pair[] {
  if (!Array.isArray(v)) return [];
  return v.map((p) => (Array.isArray(p) ? { name: str(p[0]), hash: str(p[1]) } : { name: str(p), hash: '' }));
}

/** A nested value of untrusted JSON, or undefined. */
function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatCount(v);
  if (typeof v === 'boolean') return v ? 'да' : 'нет';
  return '';
}
