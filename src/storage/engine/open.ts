/**
 * openStore: recovers the data directory, opens the database with page capture, proves
 * capture works, migrates the schema, and retires the replayed journals in the background.
 */
import { mkdir, open, unlink } from 'node:fs/promises';
import type { Database } from 'sql.js';
import type { FileTracker } from './capture';
import type { CheckpointHooks } from './checkpoint';
import type { DiskFile } from './disk-file';
import { Checkpointer } from './checkpointer';
import { StorageCaptureError } from './errors';
import { fsyncDir } from './fs-util';
import { JournalWriter } from './journal-file';
import { lockDir } from './lock';
import { consoleLogger, type StorageLogger } from './log';
import { assertKnownVersion, checkMigrations, migrate, type Migration } from './migrations';
import { recover, type Recovered } from './recovery';
import { selfTest } from './selftest';
import { loadSqlEngine } from './sqljs';
import { closeDb, guardDb } from './db-guard';
import { Store } from './store';

export interface OpenStoreOptions {
  /** Data directory: pult.sqlite, journal.<n>, pult.lock. Created if missing. */
  dir: string;
  /** Schema steps in increasing `version` order (tracked in PRAGMA user_version). */
  migrations?: readonly Migration[];
  /** A journal generation is checkpointed once it grows past this, or the pages it holds in memory past half of it. Default 64 MiB. */
  journalLimitBytes?: number;
  log?: StorageLogger;
  /** The folder of sql-wasm.js and sql-wasm.wasm, if not node_modules (the production file). */
  sqlJsDir?: string;
  /** @internal fault injection for tests */
  checkpointHooks?: CheckpointHooks;
}

const DEFAULT_JOURNAL_LIMIT = 64 * 1024 * 1024;

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const migrations = options.migrations ?? [];
  const knownVersion = checkMigrations(migrations);
  const journalLimitBytes = options.journalLimitBytes ?? DEFAULT_JOURNAL_LIMIT;
  if (!Number.isSafeInteger(journalLimitBytes) || journalLimitBytes <= 0) {
    throw new TypeError(`journalLimitBytes must be a positive integer (got ${journalLimitBytes})`);
  }
  const log = options.log ?? consoleLogger;
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const lock = await lockDir(dir);
  let db: Database | undefined;
  let tracker: FileTracker | undefined;
  let file: DiskFile | undefined;
  let store: Store | undefined;
  const engineP = loadSqlEngine(options.sqlJsDir);
  try {
    const [engineR, recoveredR] = await Promise.allSettled([engineP, recover(dir)]);
    if (recoveredR.status === 'fulfilled') file = recoveredR.value.file;
    if (engineR.status === 'rejected') throw engineR.reason;
    if (recoveredR.status === 'rejected') throw recoveredR.reason;
    const { SQL, hub, build } = engineR.value;
    const recovered = recoveredR.value;
    tracker = hub.adoptNextOpen(recovered.file);
    db = new SQL.Database();
    if (!hub.finishAdoption(tracker, `/${(db as Database & { filename: string }).filename}`)) {
      throw new StorageCaptureError('SQLite открыл не тот файл, который передало хранилище');
    }
    guardDb(db);
    configure(db);
    const version = assertKnownVersion(db, knownVersion);
    if (recovered.groups > 0 || recovered.tornTail) {
      log({ level: 'info', message: describeRecovery(recovered) });
    }
    await repairTail(dir, recovered);
    const checkpointer = new Checkpointer(dir, log, options.checkpointHooks);
    const journal = await JournalWriter.create(dir, recovered.nextGeneration, recovered.lastSeq + 1);
    store = new Store({
      dir,
      db,
      hub,
      build,
      tracker,
      journal,
      nextSeq: recovered.lastSeq + 1,
      checkpointer,
      journalLimitBytes,
      log,
      onClosed: () => lock.release(),
    });
    if (recovered.replay) checkpointer.submit(recovered.replay);
    await selfTest(store, db);
    await migrate(store, migrations, version);
    return store;
  } catch (err) {
    if (store) {
      await store.close().catch(() => undefined);
    } else {
      if (tracker) (await engineP).hub.release(tracker);
      if (db) closeDb(db);
      file?.close();
      await lock.release();
    }
    throw err;
  }
}

/** SQLite's page cache, KiB: at most this much more memory, held while the store is open. */
const CACHE_KIB = 16 * 1024;

function configure(db: Database): void {
  // The rollback journal only has to support ROLLBACK: a crash loses the whole in-memory
  // database anyway, and our own journal holds only committed groups.
  const mode = db.exec('PRAGMA journal_mode = MEMORY')[0]?.values[0]?.[0];
  if (mode !== 'memory') throw new StorageCaptureError(`не удалось включить journal_mode=MEMORY (${String(mode)})`);
  db.run('PRAGMA synchronous = OFF');
  // SQLite's own page cache (2 MB by default): a page it lacks is read through the file's
  // layers or from pult.sqlite. At 100k problems the list orders' refresh missed it on
  // nearly every index leaf: 43.5 → 38.8 µs of the loop per problem with 16 MB
  // (`npm run bench:orders`, 1M reports); at 10k problems the default already held them.
  db.run(`PRAGMA cache_size = -${CACHE_KIB}`);
  // We are the only connection to this in-memory file. Holding the lock spares SQLite the
  // hot-journal check and cache revalidation on every transaction (half the per-commit
  // cost in the debug build, where each failed file lookup builds an Error with a stack).
  const locking = db.exec('PRAGMA locking_mode = EXCLUSIVE')[0]?.values[0]?.[0];
  if (locking !== 'exclusive') throw new StorageCaptureError(`не удалось включить locking_mode=EXCLUSIVE (${String(locking)})`);
}

/** Cuts the unacknowledged tail so that the journal is clean before a newer one follows it. */
async function repairTail(dir: string, r: Recovered): Promise<void> {
  if (r.tornTail) {
    const fh = await open(r.tornTail.file, 'r+');
    try {
      await fh.truncate(r.tornTail.validLength);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  if (r.emptyJournal) {
    await unlink(r.emptyJournal);
    await fsyncDir(dir);
  }
}

function describeRecovery(r: Recovered): string {
  const torn = r.tornTail
    ? `; отброшен незавершённый хвост ${r.tornTail.file} (${r.tornTail.droppedBytes} байт, не был подтверждён)`
    : '';
  return `Восстановлено из журнала: ${r.groups} групп изменений${torn}`;
}
