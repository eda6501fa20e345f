import type { ErrorRow, ReportRow } from '../../storage/pages-repo';
import { formatBytes } from '../../sizes';
import { clip } from '../../registry/limits';

/**
 * Rows → what the templates show. Everything here is client text and stays text: the
 * templates autoescape it, nothing is marked safe.
 */

export interface ErrorView {
  id: number;
  texts: string[];
  /** The texts cut after each dot of a module path, for <wbr> between the pieces. */
  textParts: string[][];
  detailed: boolean;
  /** Texts and extensions left out of a summary (the list page): the error's page shows them. */
  textsMore: number;
  extensionsMore: number;
  configName: string;
  configVersion: string;
  extensions: { name: string; hash: string; short: string }[];
  stackHash: string;
  reportsTotal: number;
  computers: number;
  firstSeen: string;
  lastSeen: string;
  problemId: number | null;
}

export interface ReportView {
  id: number;
  /** When pult received the report (the order of the table). */
  receivedAt: string;
  /** The client's time (of the latest repeat, for a folded report). */
  time: string;
  /** The client's clock differs from the arrival by more than CLOCK_SKEW_MS. */
  timeDiffers: boolean;
  count: number;
  hasFiles: boolean;
  /** null: not known (stored before the flag was kept). */
  hasScreenshot: boolean | null;
  crashed: boolean | null;
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

export function presentError(r: ErrorRow): ErrorView {
  return {
    id: r.id,
    texts: jsonList(r.texts).map((t) => String(t)),
    textParts: jsonList(r.texts).map((t) => breakable(String(t))),
    detailed: r.detailed === 1,
    textsMore: 0,
    extensionsMore: 0,
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
    problemId: r.problem_id,
  };
}

/**
 * What a list shows of an error: the outermost texts and the root cause, each cut, and
 * the first extensions; a page of 50 errors stays small whatever the reports held (a
 * crafted one made the list 50 MB). The error's own page shows all that is stored.
 */
export const SUMMARY = { texts: 3, textChars: 300, extensions: 5 } as const;

export function presentErrorSummary(r: ErrorRow): ErrorView {
  const full = presentError(r);
  const texts =
    full.texts.length > SUMMARY.texts ? [...full.texts.slice(0, SUMMARY.texts - 1), full.texts[full.texts.length - 1]!] : full.texts;
  const cut = texts.map((t) => clip(t, SUMMARY.textChars));
  return {
    ...full,
    texts: cut,
    textParts: cut.map(breakable),
    textsMore: full.texts.length - texts.length,
    extensions: full.extensions.slice(0, SUMMARY.extensions),
    extensionsMore: Math.max(0, full.extensions.length - SUMMARY.extensions),
  };
}

/** A client clock this far from our arrival time is shown beside it (issue 11: five minutes). */
export const CLOCK_SKEW_MS = 5 * 60_000;

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
    receivedAt: r.received_at,
    time: r.time,
    timeDiffers: Math.abs(Date.parse(r.time) - Date.parse(r.received_at)) > CLOCK_SKEW_MS,
    count: r.count,
    hasFiles: r.has_files === 1,
    hasScreenshot: r.has_screenshot === null ? null : r.has_screenshot === 1,
    crashed: r.crashed === null ? null : r.crashed === 1,
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
