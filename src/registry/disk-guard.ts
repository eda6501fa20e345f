import type { KServer } from '../kserver/api';
import type { Logger } from '../log';
import { DiskSpace, type DiskFigures } from '../storage/disk-space';
import { metaValue, setMetaValue } from '../storage/jobs-repo';
import type { Store } from '../storage/store';
import { UnavailableError } from '../errors';
import { diskRules, type Settings } from './settings-schema';

/** pushReport while the disk is nearly full: 503, Retry-After, nothing written. */
export class DiskLowError extends UnavailableError {
  override name = 'DiskLowError';
  constructor() {
    super('На сервере регистрации ошибок заканчивается место на диске: отчёт не принят. Повторите отправку позже.');
  }
}

export const DISK_RETRY_AFTER_SECONDS = 300;
const ALERT_KEY = 'disk-alert-mailed';
const MB = 1024 * 1024;

export interface DiskGuardDeps {
  storagePath: string;
  store: Store;
  settings: { get(): Settings };
  kserver: KServer;
  log: Logger;
  /** How often the background check runs (it sends the one mail). Default 10 s. */
  checkMs?: number;
  /** Bytes the database journal has written since the store opened (engine Store.stats). */
  journaled?: () => number;
}

/**
 * THE disk rule: below `disk.minFreeMb` free under StoragePath, pult takes no reports
 * (pushReport 503 before anything is written, getInfo false) until space returns. The
 * administrators get one mail per such episode: a durable flag in meta remembers it was
 * sent, across restarts, and is cleared when space returns.
 */
/**
 * What one report adds to the database journal (see admit): the changed ranges of its pages,
 * 5–10 KB in `npm run bench:pair`; what the journal really writes beyond the estimates (up to
 * ~50 KB a report while a young generation writes its pages whole) is counted as it happens
 * (isLow). An estimate far above it (64 KB, when whole pages were journaled) refused reports
 * while megabytes were free, and the next statfs took the refusal back.
 */
const JOURNAL_BYTES_PER_REPORT = 16 * 1024;
/** A report's worth for getInfo, which does not know the size yet: most zips are far smaller. */
const REPORT_ALLOWANCE_BYTES = 1024 * 1024;

export class DiskGuard {
  readonly space: DiskSpace;
  /** Bytes admitted since the last statfs: counted against the free space until it is read again. */
  private admitted = 0;
  private admittedAt: DiskFigures | undefined;
  /** The journal's bytes written when the figures were read, and what admit() counted for it since. */
  private journaledAt = 0;
  private journalCounted = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly deps: DiskGuardDeps) {
    this.space = new DiskSpace(deps.storagePath);
  }

  /**
   * Below the threshold now (by the cached statfs). Once refusing, pult goes on refusing
   * until the free space is a margin above the threshold (a twentieth of it, at least
   * 1 MB): around the line, a checkpoint that frees a journal and the next report that
   * takes it back would otherwise turn intake on and off with every statfs.
   */
  isLow(incomingBytes = 0): boolean {
    const figures = this.space.cached();
    if (!figures) return false;
    const journaled = this.deps.journaled?.() ?? 0;
    if (figures !== this.admittedAt) {
      this.admittedAt = figures;
      this.admitted = 0;
      this.journaledAt = journaled;
      this.journalCounted = 0;
    }
    // The journal can outgrow the estimate (a young generation writes its pages whole):
    // what it wrote beyond what was counted is spent too.
    const beyond = Math.max(0, journaled - this.journaledAt - this.journalCounted);
    const min = diskRules(this.deps.settings.get()).minFreeMb * MB;
    const threshold = this.refusing ? min + Math.max(MB, min / 20) : min;
    return figures.freeBytes - this.admitted - beyond - incomingBytes < threshold;
  }

  /** True from a refusal until space is back above the threshold and its margin. */
  private refusing = false;

  /**
   * getInfo's question: would a report sent now be refused? True a report's worth before
   * the reserve itself is reached, so the platform is not asked to upload what pushReport
   * would turn away.
   */
  refusesReports(): boolean {
    return this.isLow(JOURNAL_BYTES_PER_REPORT + REPORT_ALLOWANCE_BYTES);
  }

  /**
   * pushReport's first step: refuses, or counts the report's bytes as spent — its zip and
   * what its rows add to the journal: between two statfs a burst writes both, and the zip
   * alone let a burst of 43 reports run a 12 MB disk out of space past a 2 MB reserve.
   */
  admit(bytes: number): void {
    this.take(bytes + JOURNAL_BYTES_PER_REPORT);
    this.journalCounted += JOURNAL_BYTES_PER_REPORT;
  }

  /**
   * The rest of a body whose size was not declared (chunked) or was declared low: counted
   * once it has arrived, before anything is written, so a chunked burst cannot slip past
   * the reserve on a promise of 0 bytes.
   */
  admitMore(bytes: number): void {
    if (bytes > 0) this.take(bytes);
  }

  private take(bytes: number): void {
    if (this.isLow(bytes)) {
      this.refusing = true;
      void this.check(); // the mail goes out now, not at the next tick of the timer
      throw new DiskLowError();
    }
    this.admitted += bytes;
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.deps.checkMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** Reads statfs, then mails once when low, or forgets the mail when space is back. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce()
      .catch((err) => this.deps.log.error('проверка места на диске не выполнена', err))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const figures = await this.space.refresh();
    if (!figures) return;
    const { store } = this.deps;
    const mailed = store.read((db) => metaValue(db, ALERT_KEY));
    const low = this.isLow();
    this.refusing = low;
    if (!low && mailed) {
      await store.write((db) => setMetaValue(db, ALERT_KEY, undefined));
      this.deps.log.info('место на диске освободилось: приём отчётов возобновлён');
    }
    if (!low || mailed) return;
    this.deps.log.warn(`на диске осталось ${Math.round(figures.freeBytes / MB)} МБ: приём отчётов приостановлен`);
    if (await this.mail(figures)) await store.write((db) => setMetaValue(db, ALERT_KEY, new Date().toISOString()));
  }

  private async mail(figures: DiskFigures): Promise<boolean> {
    const settings = this.deps.settings.get();
    const rules = diskRules(settings);
    const to = rules.alertRecipients.length ? rules.alertRecipients : [...new Set(settings.configurations.flatMap((c) => c.recipients))];
    if (to.length === 0) return true; // nobody to tell: the flag stops asking again
    const body = [
      `На диске сервиса регистрации ошибок (${this.deps.storagePath}) свободно ${Math.round(figures.freeBytes / MB)} МБ — меньше запаса ${rules.minFreeMb} МБ из настроек.`,
      'Пока места не станет больше, pult не принимает отчёты: платформа 1С получает ответ «повторите позже».',
      'Освободите место или уменьшите срок хранения отчётов на странице настроек; приём возобновится сам.',
      '',
      'Это письмо отправлено автоматически сервисом pult, один раз до освобождения места.',
    ].join('\n');
    try {
      const ok = await this.deps.kserver.sendMail({ to: to.join(','), subject: 'pult: заканчивается место на диске, отчёты не принимаются', body });
      if (!ok) this.deps.log.warn('письмо о нехватке места не отправлено (SendMail вернул false); повтор при следующей проверке');
      return ok;
    } catch (err) {
      this.deps.log.warn(`письмо о нехватке места не отправлено (${(err as Error).message}); повтор при следующей проверке`);
      return false;
    }
  }
}
