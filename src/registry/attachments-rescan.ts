import fsp from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { readReport } from '../intake/read-report';
import type { Logger } from '../log';
import { endAttachmentRescan, markHasFiles, nextToRescan, rescanCursor, setRescanCursor } from '../storage/attachments-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';
import { hasAttachedFiles } from './attachments';

export interface RescanResult {
  checked: number;
  marked: number;
  ms: number;
}

/**
 * Once after the upgrade that found attached files in the zip (attachments.ts): stored
 * reports that were taken for "no files" are read again and those whose zip holds a file
 * the user attached are marked, so they are never folded again. It runs in the background
 * in batches, each committed with its cursor (the meta row the migration left), so a restart
 * resumes where it stopped; the row is removed when it is done. Reads only report.json out
 * of each zip, through intake's reader, and extracts nothing.
 */
export class AttachmentRescan {
  private stopping = false;
  private running: Promise<RescanResult | undefined> | undefined;

  constructor(
    private readonly deps: { store: Store; zips: ZipStore; log: Logger; maxReportJsonBytes: number; batch?: number },
  ) {}

  /** Starts the pass if the database asks for one; resolves with its figures when it ends. */
  start(): Promise<RescanResult | undefined> {
    this.running ??= this.run().catch((err) => {
      this.deps.log.error('проверка вложений сохранённых отчётов прервана (продолжится при следующем запуске)', err);
      return undefined;
    });
    return this.running;
  }

  /** Lets the current batch finish and stops; the cursor says where to go on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<RescanResult | undefined> {
    const { store, zips, log } = this.deps;
    let after = store.read(rescanCursor);
    if (after === undefined) return undefined;
    const started = Date.now();
    let checked = 0;
    let marked = 0;
    log.info('проверка вложений сохранённых отчётов: началась');
    while (!this.stopping) {
      const batch = store.read((db) => nextToRescan(db, after!, this.deps.batch ?? 200));
      if (batch.length === 0) {
        await store.write(endAttachmentRescan);
        const ms = Date.now() - started;
        log.info(`проверка вложений сохранённых отчётов: закончена, проверено ${checked}, отмечено ${marked} за ${ms} мс`);
        return { checked, marked, ms };
      }
      const found: number[] = [];
      for (const row of batch) {
        if (await this.hasFiles(row.zip_name)) found.push(row.id);
        checked++;
      }
      const last = batch[batch.length - 1]!.id;
      await store.write((db) => {
        for (const id of found) markHasFiles(db, id);
        setRescanCursor(db, last);
      });
      marked += found.length;
      after = last;
      await yieldToLoop();
    }
    return undefined;
  }

  private async hasFiles(zipName: string): Promise<boolean> {
    const file = this.deps.zips.locate(zipName);
    if (!file) return false;
    try {
      const read = await readReport(await fsp.readFile(file), this.deps.maxReportJsonBytes);
      return hasAttachedFiles(read.report, read.entries);
    } catch {
      return false; // a zip gone or damaged on disk: nothing to learn from it here
    }
  }
}
