import Router from '@koa/router';

/**
 * Every router of pult: case-sensitive, so `/pult/S/…` or `/PULT/…` can never reach a
 * page by a path the access guard does not recognise as the s/ area.
 */
export function createRouter(options: { prefix?: string } = {}): Router {
  return new Router({ ...options, sensitive: true });
}
