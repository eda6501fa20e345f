import { formatDateTime } from '../dates';
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
  return { render: (template, context) => env.render(template, context) };
}

export { formatDateTime };
