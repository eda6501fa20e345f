import fsp from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Database } from 'sql.js';
import { readReport, type ReadReport } from '../intake/read-report';
import type { Logger } from '../log';
import { endPassCursor, passCursor, setPassCursor } from '../storage/meta-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';

export interface PassResult {
  checked: number;
  marked: number;
  ms: number;
}

/** What one pass learns from stored zips: which rows, what a report.json tells, where it goes. */
export interface ZipPassSpec<Row extends { id: number; zip_name: string | null }, Found> {
  /** Russian, for the log: «проверка вложений сохранённых отчётов». */
  label: string;
  /** The meta row a migration leaves: the last id done; gone when the pass is over. */
  cursorKey: string;
  /** The next rows after `afterId`, in id order. */
  next(db: Database, afterId: number, limit: number): Row[];
  /** What the report says, or undefined when there is nothing to write. */
  learn(read: ReadReport): Found | undefined;
  save(db: Database, row: Row, found: Found): void;
}

export interface ZipPassDeps {
  store: Store;
  zips: ZipStore;
  log: Logger;
  maxReportJsonBytes: number;
  batch?: number;
}

/**
 * A one-time pass over stored zips after an upgrade that keeps in the database something
 * only the zips held. It runs in the background in batches, each committed with its cursor
 * (the meta row the migration left), so a restart resumes where it stopped; the row is
 * removed when it is done. Reads only report.json out of each zip, through intake's reader,
 * and extracts nothing; a zip gone or damaged teaches nothing and is passed over.
 */
export class ZipPass<Row extends { id: number; zip_name: string | null }, Found> {
  private stopping = false;
  private running: Promise<PassResult | undefined> | undefined;

  constructor(
    private readonly deps: ZipPassDeps,
    private readonly spec: ZipPassSpec<Row, Found>,
  ) {}

  /** Starts the pass if the database asks for one; resolves with its figures when it ends. */
  start(): Promise<PassResult | undefined> {
    if (this.stopping) return Promise.resolve(undefined); // stopped before it began: the cursor stays
    this.running ??= this.run().catch((err) => {
      this.deps.log.error(`${this.spec.label} прервана (продолжится при следующем запуске)`, err);
      return undefined;
    });
    return this.running;
  }

  /** Lets the current batch finish and stops; the cursor says where to go on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<PassResult | undefined> {
    const { store, log } = this.deps;
    const { label, cursorKey } = this.spec;
    let after = store.read((db) => passCursor(db, cursorKey));
    if (after === undefined) return undefined;
    const started = Date.now();
    let checked = 0;
    let marked = 0;
    log.info(`${label}: началась`);
    while (!this.stopping) {
      const batch = store.read((db) => this.spec.next(db, after!, this.deps.batch ?? 200));
      if (batch.length === 0) {
        await store.write((db) => endPassCursor(db, cursorKey));
        const ms = Date.now() - started;
        log.info(`${label}: закончена, проверено ${checked}, отмечено ${marked} за ${ms} мс`);
        return { checked, marked, ms };
      }
      const found: [Row, Found][] = [];
      for (const row of batch) {
        const value = row.zip_name === null ? undefined : await this.learn(row.zip_name);
        if (value !== undefined) found.push([row, value]);
        checked++;
      }
      const last = batch[batch.length - 1]!.id;
      await store.write((db) => {
        for (const [row, value] of found) this.spec.save(db, row, value);
        setPassCursor(db, cursorKey, last);
      });
      marked += found.length;
      after = last;
      await yieldToLoop();
    }
    return undefined;
  }

  private async learn(zipName: string): Promise<Found | undefined> {
    const file = this.deps.zips.locate(zipName);
    if (!file) return undefined;
    try {
      return this.spec.learn(await readReport(await fsp.readFile(file), this.deps.maxReportJsonBytes));
    } catch {
      return undefined; // a zip gone or damaged on disk: nothing to learn from it here
    }
  }
}
