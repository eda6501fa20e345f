/** Dates as people read them in pult: pages, mails, refusals (Moscow time). */
const dtFormat = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Moscow',
});

const timeFormat = new Intl.DateTimeFormat('ru-RU', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Moscow' });

/** Said after every time: the reader may be in another zone than the server. */
export const ZONE_LABEL = 'МСК';

/** Moscow time, as the users read it, with the zone said: "01.12.2026, 18:39 МСК". */
export function formatDateTime(value: unknown): string {
  return formatMoscow(value, dtFormat);
}

/** The time of day alone, "18:39 МСК": where the page already says which day (a problem "новая сегодня"). */
export function formatTimeOfDay(value: unknown): string {
  return formatMoscow(value, timeFormat);
}

/** An ISO time or epoch ms in `format`, with the zone; nothing for no value, the value itself when it is no time. */
function formatMoscow(value: unknown, format: Intl.DateTimeFormat): string {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : `${format.format(d)} ${ZONE_LABEL}`;
}
