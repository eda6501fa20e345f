// SendMail never touches a network: every mail becomes one JSON file in the outbox folder,
// which tests read directly and the /_sim/outbox page shows to a person.
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../errors';
import { toOptionalString } from './args';

export interface MailRecord {
  to: string;
  cc: string;
  subject: string;
  body: string;
  attachments: { path: string; size: number }[];
  plugin: string;
  time: string;
}

export interface StoredMail {
  file: string;
  mail: MailRecord;
}

/** Outbox file names: `<ISO time with - for :>-<seq>.json`; sorting by name sorts by time. */
const FILE_NAME = /^\d{4}-\d{2}-\d{2}T[\d-]+(\.\d+)?Z-\d+\.json$/;

export class Outbox {
  private seq = 0;

  constructor(readonly dir: string) {}

  /** SendMail(to, subj?, body?, cc?, attachments?) from plugin `plugin` whose folder is `pluginPath`. */
  async send(plugin: string, pluginPath: string, args: unknown[]): Promise<StoredMail> {
    const to = toOptionalString(args[0], 'to')?.trim();
    if (!to) throw new ApiError('SendMail: "to" is required');
    const mail: MailRecord = {
      to,
      cc: toOptionalString(args[3], 'cc')?.trim() ?? '',
      subject: toOptionalString(args[1], 'subj') ?? '',
      body: toOptionalString(args[2], 'body') ?? '',
      attachments: await describeAttachments(args[4], pluginPath),
      plugin,
      time: new Date().toISOString(),
    };
    await mkdir(this.dir, { recursive: true });
    for (;;) {
      const file = `${mail.time.replace(/:/g, '-')}-${String(++this.seq).padStart(4, '0')}.json`;
      // Written under a hidden name, then renamed: a reader of the outbox (a test, the page)
      // never sees half a mail. link() refuses an existing name, as 'wx' did.
      const temp = path.join(this.dir, `.${file}.tmp`);
      try {
        await writeFile(temp, JSON.stringify(mail, null, 2), { flag: 'wx' });
        await link(temp, path.join(this.dir, file));
        return { file, mail };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await unlink(temp).catch(() => {});
      }
    }
  }

  /** Every mail, newest first; files that are not mails are skipped. */
  async list(): Promise<StoredMail[]> {
    const mails = await Promise.all((await this.fileNames()).map((n) => this.read(n)));
    return mails.filter((m): m is StoredMail => m !== undefined);
  }

  /** How many mails there are, without reading them. */
  async count(): Promise<number> {
    return (await this.fileNames()).length;
  }

  /** Outbox file names, newest first. */
  private async fileNames(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => FILE_NAME.test(n)).sort().reverse();
  }

  /** One mail by file name; undefined for a name that is not an outbox file. */
  async read(file: string): Promise<StoredMail | undefined> {
    if (!FILE_NAME.test(file)) return undefined;
    try {
      return { file, mail: JSON.parse(await readFile(path.join(this.dir, file), 'utf8')) as MailRecord };
    } catch {
      return undefined;
    }
  }
}

/** Attachments are file paths (relative ones against the plugin folder); a missing file rejects. */
async function describeAttachments(value: unknown, base: string): Promise<MailRecord['attachments']> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ApiError('SendMail: attachments must be an array of file paths');
  return Promise.all(
    value.map(async (item) => {
      if (typeof item !== 'string' || item === '') throw new ApiError('SendMail: an attachment must be a file path');
      const full = path.resolve(base, item);
      const info = await stat(full).catch(() => undefined);
      if (!info?.isFile()) throw new ApiError(`SendMail: attachment not found: ${item}`);
      return { path: full, size: info.size };
    }),
  );
}
