/**
 * Storage engine errors. Callers branch on the class (`instanceof`) or on `code`,
 * never on the message: messages are written for an administrator reading a log.
 */
export class StorageError extends Error {
  readonly code: string = 'STORAGE_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Acknowledged data on disk is damaged; the store refuses to start rather than drop it. */
export class StorageCorruptError extends StorageError {
  override readonly code = 'STORAGE_CORRUPT';

  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(
      `Файл базы данных повреждён: ${file} (смещение ${offset}): ${reason}. ` +
        'Запуск остановлен, чтобы не потерять подтверждённые данные; ' +
        'сохраните каталог данных целиком для анализа.',
    );
  }
}

/** The database was written by a newer version of the code; we do not touch it. */
export class StorageVersionError extends StorageError {
  override readonly code = 'STORAGE_VERSION';

  constructor(
    readonly dbVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `База данных имеет версию схемы ${dbVersion}, а эта версия программы знает только ` +
        `версии до ${knownVersion}. Обновите программу; данные не изменены.`,
    );
  }
}

/** Page capture below SQLite does not work (e.g. an incompatible sql.js build). */
export class StorageCaptureError extends StorageError {
  override readonly code = 'STORAGE_CAPTURE';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `Перехват записи страниц sql.js не работает: ${reason}. ` +
        'Без него сохранность данных не гарантируется, поэтому хранилище не запущено.',
      options,
    );
  }
}

/** Another store (this or another process) has the data directory open. */
export class StorageLockedError extends StorageError {
  override readonly code = 'STORAGE_LOCKED';

  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `Каталог данных ${dir} уже используется процессом ${pid}. ` +
        'Если этого процесса нет, удалите файл pult.lock в этом каталоге.',
    );
  }
}

/**
 * Writing the journal failed (disk full, I/O error). The in-memory database may now be
 * ahead of the disk, so the store accepts no more writes; a restart recovers the
 * durable state.
 */
export class StorageFailedError extends StorageError {
  override readonly code = 'STORAGE_FAILED';

  constructor(cause: unknown) {
    super(
      `Не удалось сохранить изменения на диск: ${describe(cause)}. ` +
        'Хранилище больше не принимает изменения; устраните причину и перезапустите службу.',
      { cause },
    );
  }
}

/** The store was closed; the call came too late. */
export class StorageClosedError extends StorageError {
  override readonly code = 'STORAGE_CLOSED';

  constructor() {
    super('Хранилище закрыто.');
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
