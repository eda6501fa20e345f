import nunjucks from 'nunjucks';

export interface Renderer {
  render(template: string, context: Record<string, unknown>): string;
}

/** Server-side pages: nunjucks with autoescape on, templates from one folder. */
export function createRenderer(templatesDir: string, globals: Record<string, unknown>): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  for (const [k, v] of Object.entries(globals)) env.addGlobal(k, v);
  env.addFilter('dt', formatDateTime);
  env.addFilter('plural', pluralRu);
  return { render: (template, context) => env.render(template, context) };
}

const dtFormat = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Moscow',
});

/** Said after every time on pages: the reader may be in another zone than the server. */
export const ZONE_LABEL = 'МСК';

/** Dates on pages: Moscow time, as the users read them, with the zone said ("01.11.2026, 12:00 МСК"). */
export function formatDateTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : `${dtFormat.format(d)} ${ZONE_LABEL}`;
}

const pluralRules = new Intl.PluralRules('ru-RU');

/** The Russian form for a count: 1 ошибка, 3 ошибки, 5 ошибок (and 21 ошибка). */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const rule = pluralRules.select(n);
  return rule === 'one' ? one : rule === 'few' ? few : many;
}
