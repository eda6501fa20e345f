import type Router from '@koa/router';
import { createRouter } from '../router';
import type { AppContext } from '../context';
import { ByteBudget } from '../../intake/byte-budget';
import { GetInfoSchema } from '../../intake/getinfo-schema';
import { extractReportZip } from '../../intake/multipart';
import { readBody } from '../../intake/read-body';
import { parseRu, problemText } from '../../zod-ru';
import { answerGetInfo } from '../../registry/get-info';
import { readReport } from '../../intake/read-report';
import { registerReport } from '../../registry/register-report';
import { ValidationError } from '../../errors';
import { timed } from '../request-timing';

/** getInfo and pushReport as the 1C platform calls them: anonymous, JSON answers. */
export function intakeRoutes(app: AppContext): Router {
  const router = createRouter();
  const { limits } = app.config;
  const budget = new ByteBudget(limits.inFlightBytes);
  const times = app.status?.requests;

  router.post('/getInfo', timed(times, 'getInfo'), async (ctx) => {
    ctx.state.json = true;
    const raw = await readBody(ctx.req, limits.jsonBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw new ValidationError('Тело getInfo не является корректным JSON');
    }
    const parsed = parseRu(GetInfoSchema, body);
    if (!parsed.success) throw new ValidationError(`getInfo: ${problemText(parsed.error.issues[0]!)}`);
    ctx.body = answerGetInfo(app.settings.get(), parsed.data, app.refusals);
  });

  router.post('/pushReport', timed(times, 'pushReport'), async (ctx) => {
    ctx.state.json = true;
    // The body stays in memory until the report is stored: its bytes count until then.
    const declared = Number(ctx.get('content-length'));
    let release: () => void;
    try {
      release = budget.take(Number.isFinite(declared) && declared > 0 ? Math.min(declared, limits.requestBytes) : limits.requestBytes);
    } catch (err) {
      ctx.req.resume(); // let the client finish sending, so it reads the answer
      ctx.set('Retry-After', '10');
      throw err;
    }
    try {
      const body = await readBody(ctx.req, limits.requestBytes);
      const read = await readReport(extractReportZip(body, ctx.get('content-type') || undefined), limits.reportJsonBytes);
      const outcome = await registerReport(
        {
          store: app.store,
          zips: app.zips,
          settings: app.settings,
          log: app.log,
          onNewError: () => app.notifier?.wake(),
          refusals: app.refusals,
        },
        { ...read, ip: clientIp(ctx.get('x-kodeks-monitor-remote-addr')), receivedAt: new Date() },
      );
      app.log.info(`pushReport: ${describeOutcome(outcome)}`);
      ctx.status = 200;
      ctx.body = '';
    } finally {
      release();
    }
  });

  return router;
}

function describeOutcome(o: Awaited<ReturnType<typeof registerReport>>): string {
  switch (o.kind) {
    case 'new-error':
      return `новая ошибка №${o.errorId}, отчёт ${o.reportId}`;
    case 'new-report':
      return `ошибка №${o.errorId}, новый отчёт ${o.reportId}`;
    case 'folded':
      return `ошибка №${o.errorId}, повтор отчёта ${o.reportId}`;
    case 'duplicate-id':
      return 'отчёт уже получен ранее';
  }
}

/**
 * The client's address as the monitor saw it. Should a monitor append to a header the
 * client already sent rather than replace it, only the last value is the monitor's own.
 */
function clientIp(header: string): string | undefined {
  const last = header.split(',').pop()?.trim();
  return last ? last.slice(0, 64) : undefined;
}
