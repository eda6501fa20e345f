import { formatDateTime, formatTimeOfDay, ZONE_LABEL } from '../dates';
import nunjucks from 'nunjucks';
import { showHidden } from '../control-chars';

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
  env.addFilter('tm', formatTimeOfDay);
  env.addFilter('visible', (v: unknown) => showHidden(String(v ?? '')));
  // First letter only (nunjucks' capitalize lowers the rest: «МСК» would become «мск»).
  env.addFilter('upfirst', (v: unknown) => { const t = String(v ?? ''); return t.charAt(0).toUpperCase() + t.slice(1); });
  env.addFilter('plural', pluralRu);
  return { render: (template, context) => env.render(template, context) };
}

const pluralRules = new Intl.PluralRules('ru-RU');

/** The Russian form for a count: 1 ошибка, 3 ошибки, 5 ошибок (and 21 ошибка). */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const rule = pluralRules.select(n);
  return rule === 'one' ? one : rule === 'few' ? few : many;
}

export { formatDateTime, ZONE_LABEL };
