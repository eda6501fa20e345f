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

  /** Validated input only (parse with SettingsSchema first); writes are serialised. */
  async update(next: Settings): Promise<void> {
    const run = this.writing.then(async () => {
      await writeFileDurable(this.file, JSON.stringify(next, null, 2) + '\n');
      this.current = next;
    });
    this.writing = run.catch(() => {});
    return run;
  }
}
