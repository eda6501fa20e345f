import type { KServer } from '../kserver/api';
import { stringList } from '../json-list';
import { KServerMethodMissingError } from '../kserver/errors';
import { absoluteBase } from '../kserver/links';
import type { Logger } from '../log';
import { recipientsOf } from '../registry/acceptance';
import type { SettingsStore } from '../registry/settings-store';
import { dropNotice, dueNotices, lastMailed, nextDueByConfig, postponeNotice, rememberMailed, type DueNotice } from '../storage/notices-repo';
import type { Store } from '../storage/store';
import { flattenLine } from '../control-chars';
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
  /** At most one mail per configuration in this time: a lasting storm becomes a few mails. */
  minIntervalMs?: number;
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
  /** No pass starts before this (epoch ms): every pass is followed by a batch window. */
  private notBefore = 0;
  /** When each configuration was last mailed (epoch ms); kept in the database too, see start(). */
  private readonly lastMail = new Map<string, number>();
  private readonly now: () => Date;

  constructor(private readonly deps: NotifierDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Picks up what an earlier run left queued, and when each configuration was last mailed:
   * a restart must not send a storm's queue at once (it sent 200 notices when this lived in memory).
   */
  start(): void {
    this.loadLastMails();
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
    const at = Math.max(Date.now() + delayMs, this.notBefore);
    delayMs = at - Date.now();
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.runOnce().catch((err) => {
        // The queue is durable; try again later rather than waiting for the next new error.
        this.deps.log.error('рассылка уведомлений не выполнена, повтор позже', err);
        this.schedule(this.deps.retryMs);
      });
    }, Math.max(0, delayMs));
    this.timer.unref();
  }

  /** The next pass: when the earliest configuration has a notice due and may be mailed again. */
  private scheduleNextDue(): void {
    const pending = this.deps.store.read((db) => nextDueByConfig(db));
    const times = pending.map(({ config_name, recipient, t }) => Math.max(new Date(t).getTime(), this.quietUntil(groupOf(config_name, recipient))));
    if (times.length) this.schedule(Math.max(0, Math.min(...times) - this.now().getTime()));
  }

  private loaded = false;

  private loadLastMails(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const r of this.deps.store.read((db) => lastMailed(db))) this.lastMail.set(r.config_name, new Date(r.sent_at).getTime());
  }

  private quietUntil(config: string): number {
    return (this.lastMail.get(config) ?? -Infinity) + (this.deps.minIntervalMs ?? 0);
  }

  private async pass(): Promise<void> {
    this.loadLastMails();
    const now = this.now().getTime();
    const due = this.deps.store.read((db) => dueNotices(db, new Date(now).toISOString(), BATCH_LIMIT));
    // One mail per configuration to its recipients, and one per person told of a problem given to them.
    const groups = new Map<string, DueNotice[]>();
    for (const n of due) {
      const g = groupOf(n.config_name, n.recipient);
      groups.set(g, [...(groups.get(g) ?? []), n]);
    }
    try {
      for (const [group, notices] of groups) {
        if (this.stopped) return;
        if (this.quietUntil(group) > now) continue; // mailed recently: these join the next mail
        await this.send(group, notices[0]!.config_name, notices[0]!.recipient, notices);
      }
    } finally {
      this.notBefore = Date.now() + this.deps.batchMs;
    }
    if (due.length === BATCH_LIMIT) this.schedule(0);
    else this.scheduleNextDue();
  }

  private async send(group: string, config: string, recipient: string | null, notices: DueNotice[]): Promise<void> {
    const recipients = recipient ? [recipient] : recipientsOf(this.deps.settings.get(), config);
    if (recipients.length === 0) {
      await this.deps.store.write((db) => notices.forEach((n) => dropNotice(db, n.id)));
      return;
    }
    const base = await absoluteBase(this.deps.kserver, this.deps.route);
    const items = notices.map((n) => ({
      kind: n.kind,
      errorId: n.error_id,
      version: n.config_version,
      texts: stringList(n.texts),
      reports: n.reports_total,
      computers: n.computers,
      problemId: n.problem_id,
      problemErrors: n.problem_errors,
      fixedIn: n.fixed_in,
    }));
    const mail = composeNotice(config, items, base);
    let failure: string | undefined;
    try {
      // The settings refuse control characters in addresses; flattened again here, at the door.
      const to = recipients.map(flattenLine).filter((r) => r !== '').join(',');
      const ok = await this.deps.kserver.sendMail({ to, subject: mail.subject, body: mail.body });
      if (!ok) failure = 'SendMail вернул false';
    } catch (err) {
      failure = err instanceof KServerMethodMissingError ? 'монитор не предоставляет SendMail' : (err as Error).message;
    }
    if (!failure) {
      const sentAt = this.now();
      this.lastMail.set(group, sentAt.getTime());
      this.deps.log.info(`отправлено уведомление о новых ошибках ${config} (${notices.length}): ${recipients.join(', ')}`);
      await this.deps.store.write((db) => {
        notices.forEach((n) => dropNotice(db, n.id));
        rememberMailed(db, group, sentAt.toISOString());
      });
      return;
    }
    this.deps.log.warn(`уведомление о новых ошибках ${config} не отправлено (${failure}); будет повторено`);
    const now = this.now().getTime();
    await this.deps.store.write((db) =>
      notices.forEach((n) => {
        const delay = Math.min(this.deps.retryMs * 2 ** n.attempts, this.deps.maxRetryMs);
        postponeNotice(db, n.id, new Date(now + delay).toISOString());
      }),
    );
  }
}

/** Mails are batched per configuration, and apart for a personal recipient. */
function groupOf(config: string, recipient: string | null): string {
  return recipient ? `${config}\u0000${recipient}` : config;
}
