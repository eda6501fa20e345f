import type Router from '@koa/router';
import type { Context } from 'koa';
import { createRouter } from '../router';
import type { AppContext } from '../context';
import { ByteBudget, ServiceBusyError, type Reservation } from '../../intake/byte-budget';
import { clientAddress } from '../../kserver/client-address';
import { GetInfoSchema } from '../../intake/getinfo-schema';
import { extractReportZip } from '../../intake/multipart';
import { readBody } from '../../intake/read-body';
import { UploadGate } from '../../intake/upload-gate';
import { parseRu, problemText } from '../../zod-ru';
import { answerGetInfo } from '../../registry/get-info';
import { admitUpload } from '../../registry/ip-filter';
import { readReport } from '../../intake/read-report';
import { registerReport } from '../../registry/register-report';
import { RequestTimeoutError, TooManyRequestsError, ValidationError } from '../../errors';
import { DISK_RETRY_AFTER_SECONDS, DiskLowError } from '../../registry/disk-guard';
import { DiskSpace } from '../../storage/disk-space';
import { timed } from '../request-timing';
import { closeAfterAnswer } from '../lingering-close';

/** getInfo and pushReport as the 1C platform calls them: anonymous, JSON answers. */
export function intakeRoutes(app: AppContext): Router {
  const router = createRouter();
  const { limits } = app.config;
  const budget = new ByteBudget(limits.inFlightBytes);
  const times = app.status?.requests;

  const gate = new UploadGate(limits.uploadsPerAddress);
  const bodyLimits = (maxBytes: number) => ({ maxBytes, minBytesPerSecond: limits.bodyMinBytesPerSecond, maxMs: limits.bodySeconds * 1000 });

  /** The body of an intake call, read within the rules for slow and greedy clients. */
  async function bodyOf(ctx: Context, maxBytes: number, reservation?: Reservation): Promise<Buffer> {
    let leave: (() => void) | undefined;
    try {
      leave = gate.enter(clientAddress(ctx.get('x-kodeks-monitor-remote-addr')));
      return await readBody(ctx.req, { ...bodyLimits(maxBytes), reservation });
    } catch (err) {
      // A slow client is not waited for: the connection closes shortly after the answer
      // (lingering-close.ts). Other refusals let Node read and drop the rest, so the client
      // reads the answer.
      if (err instanceof RequestTimeoutError) closeAfterAnswer(ctx);
      if (err instanceof ServiceBusyError || err instanceof TooManyRequestsError) ctx.set('Retry-After', '10');
      throw err;
    } finally {
      leave?.();
    }
  }

  router.post('/getInfo', timed(times, 'getInfo'), async (ctx) => {
    ctx.state.json = true;
    const raw = await bodyOf(ctx, limits.jsonBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw new ValidationError('Тело getInfo не является корректным JSON');
    }
    const parsed = parseRu(GetInfoSchema, body);
    if (!parsed.success) throw new ValidationError(`getInfo: ${problemText(parsed.error.issues[0]!)}`);
    ctx.body = answerGetInfo(
      {
        settings: app.settings.get(),
        store: app.store,
        refusals: app.refusals,
        unasked: app.unasked,
        intakePaused: app.disk?.refusesReports() ?? false,
        address: clientAddress(ctx.get('x-kodeks-monitor-remote-addr')),
      },
      parsed.data,
    );
  });

  router.post('/pushReport', timed(times, 'pushReport'), async (ctx) => {
    ctx.state.json = true;
    // The body stays in memory until the report is stored: its bytes count until then.
    const reservation = budget.open();
    try {
      // Before anything is read: a refused address costs no body and no disk.
      admitUpload(app.settings.get().addresses, clientAddress(ctx.get('x-kodeks-monitor-remote-addr')), app.refusals);
      // Before anything is read or written: a nearly full disk refuses the report whole.
      const declared = Number(ctx.get('content-length'));
      const promised = Number.isFinite(declared) && declared > 0 ? Math.min(declared, limits.requestBytes) : 0;
      const refusedForDisk = (err: unknown) => {
        if (err instanceof DiskLowError) {
          ctx.set('Retry-After', String(DISK_RETRY_AFTER_SECONDS));
          app.refusals.pushRefused('disk-low');
        }
        return err;
      };
      try {
        app.disk?.admit(promised);
      } catch (err) {
        throw refusedForDisk(err);
      }
      const body = await bodyOf(ctx, limits.requestBytes, reservation);
      try {
        app.disk?.admitMore(body.length - promised);
      } catch (err) {
        throw refusedForDisk(err);
      }
      const read = await readReport(extractReportZip(body, ctx.get('content-type') || undefined), limits.reportJsonBytes);
      const outcome = await registerReport(
        {
          store: app.store,
          zips: app.zips,
          settings: app.settings,
          log: app.log,
          onNewError: () => app.notifier?.wake(),
          refusals: app.refusals,
          indexes: app.indexes,
        },
        { ...read, ip: clientAddress(ctx.get('x-kodeks-monitor-remote-addr')), receivedAt: new Date() },
      );
      app.log.info(`pushReport: ${describeOutcome(outcome)}`);
      ctx.status = 200;
      ctx.body = '';
    } catch (err) {
      // The disk filled faster than the guard saw: the zip store removed its partial file.
      if (!DiskSpace.isNoSpace(err)) throw err;
      ctx.set('Retry-After', String(DISK_RETRY_AFTER_SECONDS));
      throw new DiskLowError();
    } finally {
      reservation.release();
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
    case 'not-stored':
      return `проблема №${o.problemId}: отчёты больше не принимаются, учтён без сохранения`;
  }
}
