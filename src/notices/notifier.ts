import type { KServer } from '../kserver/api';
import { KServerMethodMissingError } from '../kserver/errors';
import { absoluteBase } from '../kserver/links';
import type { Logger } from '../log';
import { recipientsOf } from '../registry/acceptance';
import type { SettingsStore } from '../registry/settings-store';
import { dropNotice, dueNotices, nextDue, postponeNotice, type DueNotice } from '../storage/notices-repo';
import type { Store } from '../storage/store';
import { composeNotice } from './compose';

export interface NotifierDeps {
  store: Store;
  kserver: KServer;
  settings: SettingsStore;
  route: string;
  log: Logger;
  /** A new error waits this long for others, so a burst becomes one mail per configuration. */
  batchMs: number;
  /** First retry delay after a failed SendMail; doubles up to maxRetryMs. */
  retryMs: number;
  maxRetryMs: number;
  now?: () => Date;
}

const BATCH_LIMIT = 5000;

/**
 * Sends the durable notice queue through KServerApi.SendMail, off the request path:
 * woken by new errors, batched, one mail per configuration, retried with backoff.
 */
export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly deps: NotifierDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Picks up what an earlier run left queued. */
  start(): void {
    this.scheduleNextDue();
  }

  /** A new error was queued: send within the batch window. */
  wake(): void {
    this.schedule(this.deps.batchMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over everything due; exposed for tests and shutdown. */
  async runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.runOnce().catch((err) => this.deps.log.error('рассылка уведомлений', err));
    }, Math.max(0, delayMs));
    this.timer.unref();
  }

  private scheduleNextDue(): void {
    const next = this.deps.store.read((db) => nextDue(db));
    if (next) this.schedule(Math.max(0, new Date(next).getTime() - this.now().getTime()));
  }

  private async pass(): Promise<void> {
    const due = this.deps.store.read((db) => dueNotices(db, this.now().toISOString(), BATCH_LIMIT));
    const byConfig = new Map<string, DueNotice[]>();
    for (const n of due) byConfig.set(n.config_name, [...(byConfig.get(n.config_name) ?? []), n]);
    for (const [config, notices] of byConfig) {
      if (this.stopped) return;
      await this.send(config, notices);
    }
    if (due.length === BATCH_LIMIT) this.schedule(0);
    else this.scheduleNextDue();
  }

  private async send(config: string, notices: DueNotice[]): Promise<void> {
    const recipients = recipientsOf(this.deps.settings.get(), config);
    if (recipients.length === 0) {
      await this.deps.store.write((db) => notices.forEach((n) => dropNotice(db, n.id)));
      return;
    }
    const base = await absoluteBase(this.deps.kserver, this.deps.route);
    const items = notices.map((n) => ({ errorId: n.error_id, version: n.config_version, texts: parseTexts(n.texts) }));
    const mail = composeNotice(config, items, base);
    let failure: string | undefined;
    try {
      const ok = await this.deps.kserver.sendMail({ to: recipients.join(','), subject: mail.subject, body: mail.body });
      if (!ok) failure = 'SendMail вернул false';
    } catch (err) {
      failure = err instanceof KServerMethodMissingError ? 'монитор не предоставляет SendMail' : (err as Error).message;
    }
    if (!failure) {
      this.deps.log.info(`отправлено уведомление о новых ошибках ${config} (${notices.length}): ${recipients.join(', ')}`);
      await this.deps.store.write((db) => notices.forEach((n) => dropNotice(db, n.id)));
      return;
    }
    this.deps.log.warn(`уведомление о новых ошибках ${config} не отправлено (${failure}); будет повторено`);
    const now = this.now().getTime();
    await this.deps.store.write((db) =>
      notices.forEach((n) => {
        const delay = Math.min(this.deps.retryMs * 2 ** n.attempts, this.deps.maxRetryMs);
        postponeNotice(db, n.id, new Date(now + delay).toISOString(), failure!);
      }),
    );
  }
}

function parseTexts(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
