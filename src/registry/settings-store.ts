import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileDurable } from '../storage/durable-file';
import { parseRu, problemsOf } from '../zod-ru';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from './settings-schema';

export const SETTINGS_FILE = 'settings.json';

export class SettingsFileError extends Error {
  override name = 'SettingsFileError';
}

/**
 * The settings in memory, backed by `<StoragePath>/settings.json`. `update` validates,
 * writes durably, then swaps: getInfo and pushReport see the change on their next request.
 */
export class SettingsStore {
  private current: Settings;
  private writing: Promise<void> = Promise.resolve();
  /** Earlier settings by revision, newest last. */
  private readonly seen = new Map<string, Settings>();

  private constructor(
    private readonly file: string,
    initial: Settings,
  ) {
    this.current = initial;
  }

  static open(storagePath: string): SettingsStore {
    const file = path.join(storagePath, SETTINGS_FILE);
    if (!fs.existsSync(file)) return new SettingsStore(file, DEFAULT_SETTINGS);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new SettingsFileError(`${file}: не читается как JSON (${(err as Error).message})`);
    }
    const parsed = parseRu(SettingsSchema, raw);
    if (!parsed.success) throw new SettingsFileError(`${file}: ${problemsOf(parsed.error).join('; ')}`);
    return new SettingsStore(file, parsed.data);
  }

  get(): Settings {
    return this.current;
  }

  /** The revision of the settings a form was made on: a digest of their content. */
  revision(): string {
    return revisionOf(this.current);
  }

  /** The settings of an earlier revision seen by this process (a few are kept), to say what changed. */
  atRevision(rev: string): Settings | undefined {
    return this.seen.get(rev);
  }

  /**
   * Saves `next` only if the settings are still at revision `rev` (checked in the write
   * queue, so two saves on the same revision cannot both win); returns false otherwise.
   */
  async updateIf(rev: string, next: Settings): Promise<boolean> {
    let saved = false;
    const run = this.writing.then(async () => {
      if (revisionOf(this.current) !== rev) return;
      await writeFileDurable(this.file, JSON.stringify(next, null, 2) + '\n');
      this.swap(next);
      saved = true;
    });
    this.writing = run.catch(() => {});
    await run;
    return saved;
  }

  private swap(next: Settings): void {
    this.seen.set(revisionOf(this.current), this.current);
    if (this.seen.size > 20) this.seen.delete(this.seen.keys().next().value!);
    this.current = next;
  }

  /** Validated input only (parse with SettingsSchema first); writes are serialised. */
  async update(next: Settings): Promise<void> {
    const run = this.writing.then(async () => {
      await writeFileDurable(this.file, JSON.stringify(next, null, 2) + '\n');
      this.swap(next);
    });
    this.writing = run.catch(() => {});
    return run;
  }
}

function revisionOf(s: Settings): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 16);
}
