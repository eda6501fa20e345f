import Koa from 'koa';

/** What pult serves when it cannot start: every request learns why, nothing else runs. */
export function unavailableApp(reason: string): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.status = 503;
    if (ctx.accepts('html', 'json') === 'json' || ctx.method === 'POST') {
      ctx.body = { error: reason, code: 'unavailable' };
    } else {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${reason}\n`;
    }
  });
  return app;
}
