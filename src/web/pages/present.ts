import type { ErrorRow, ReportRow } from '../../storage/pages-repo';
import { formatDateTime } from '../render';

/**
 * Rows → what the templates show. Everything here is client text and stays text: the
 * templates autoescape it, nothing is marked safe.
 */

export interface MarkView {
  login: string;
  name: string;
  at: string;
  atText: string;
}

export interface ErrorView {
  id: number;
  texts: string[];
  /** The texts cut after each dot of a module path, for <wbr> between the pieces. */
  textParts: string[][];
  detailed: boolean;
  configName: string;
  configVersion: string;
  extensions: { name: string; hash: string; short: string }[];
  stackHash: string;
  reportsTotal: number;
  computers: number;
  firstSeen: string;
  lastSeen: string;
  mark: MarkView | null;
}

export interface ReportView {
  id: number;
  time: string;
  count: number;
  hasFiles: boolean;
  userName: string;
  ip: string;
  appVersion: string;
  appName: string;
  appKind: string;
  clientPlatform: string;
  userAgent: string;
  server: string;
  dataSeparation: string;
  dbms: string;
  changeEnabled: string;
  descriptions: { time: string; text: string }[];
  zipSize: string;
}

export function presentMark(m: { login: string | null; name: string | null; at: string | null } | null): MarkView | null {
  if (!m || !m.at) return null;
  const login = m.login ?? '';
  return { login, name: m.name || login, at: m.at, atText: formatDateTime(m.at) };
}

export function presentError(r: ErrorRow): ErrorView {
  return {
    id: r.id,
    texts: jsonList(r.texts).map((t) => String(t)),
    textParts: jsonList(r.texts).map((t) => breakable(String(t))),
    detailed: r.detailed === 1,
    configName: r.config_name,
    configVersion: r.config_version,
    extensions: jsonList(r.extensions).map((pair) => {
      const [name, hash] = Array.isArray(pair) ? pair.map(String) : [String(pair), ''];
      return { name: name ?? '', hash: hash ?? '', short: (hash ?? '').slice(0, 8) };
    }),
    stackHash: r.stack_hash,
    reportsTotal: r.reports_total,
    computers: r.computers,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    mark: presentMark({ login: r.mark_login, name: r.mark_name, at: r.mark_at }),
  };
}

/** The platform's appName values, as a support engineer would say them. */
const APP_KINDS: Record<string, string> = {
  '1CV8C': 'тонкий клиент',
  '1CV8': 'толстый клиент',
  WebClient: 'веб-клиент',
  BackgroundJob: 'фоновое задание',
  Designer: 'конфигуратор',
  COMConnection: 'COM-соединение',
  WSConnection: 'веб-сервис',
  HTTPServiceConnection: 'HTTP-сервис',
  MobileClient: 'мобильный клиент',
};

export function presentReport(r: ReportRow): ReportView {
  return {
    id: r.id,
    time: r.time,
    count: r.count,
    hasFiles: r.has_files === 1,
    userName: r.user_name ?? '',
    ip: r.ip ?? '',
    appVersion: r.app_version ?? '',
    appName: r.app_name ?? '',
    appKind: (r.app_name && APP_KINDS[r.app_name]) || '',
    clientPlatform: r.platform_type ?? '',
    userAgent: r.user_agent ?? '',
    server: [r.server_type, r.server_version].filter(Boolean).join(' '),
    dataSeparation: r.data_separation ?? '',
    dbms: r.dbms ?? '',
    changeEnabled: r.change_enabled === null ? '' : r.change_enabled ? 'Да' : 'Нет',
    descriptions: jsonList(r.descriptions).flatMap((d) =>
      Array.isArray(d) && d.length >= 2 ? [{ time: String(d[0]), text: String(d[1]) }] : [],
    ),
    zipSize: formatBytes(r.zip_size),
  };
}

const intFormat = new Intl.NumberFormat('ru-RU');

export function formatCount(n: number): string {
  return intFormat.format(n);
}

/** Sizes the way people read them: "12,4 МБ". */
export function formatBytes(n: number): string {
  const units = ['Б', 'КБ', 'МБ', 'ГБ', 'ТБ'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat('ru-RU', { maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** Durations the way people read them: "850 мс", "12 с", "3 мин 5 с". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} мс`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} с`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} мин ${s % 60} с` : `${Math.floor(m / 60)} ч ${m % 60} мин`;
}

/** "{Документ.Карта.Форма(812)}" → ["{Документ.", "Карта.", "Форма(812)}"]: each piece is still escaped text. */
export function breakable(text: string): string[] {
  return text.split(/(?<=[.\/_])(?=[^\s.\/_])/);
}

function jsonList(text: string | null): unknown[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
