/**
 * Proves at start-up that commits reach the capture layer with the right bytes at the
 * right offset, so a future sql.js that writes some other way fails loudly at open
 * instead of running without durability.
 */
import type { Database } from 'sql.js';
import { StorageCaptureError } from './errors';
import { userVersion } from './migrations';
import type { Store } from './store';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export async function selfTest(store: Store, db: Database): Promise<void> {
  const version = userVersion(db);
  // Rewrites page 1 (user_version and the change counter) without changing any data.
  const probe = store.selfTestCommit(`PRAGMA user_version = ${version}`);
  const pageSize = pragma(db, 'page_size');
  const pageCount = pragma(db, 'page_count');
  const problem = check(probe.headerBlock, probe.size, { version, pageSize, pageCount, schema: pragma(db, 'schema_version') });
  if (problem) throw new StorageCaptureError(problem);
  await probe.durable;
}

interface Expected {
  version: number;
  pageSize: number;
  pageCount: number;
  schema: number;
}

function check(block: Uint8Array | undefined, size: number, e: Expected): string | undefined {
  if (!block) return 'фиксация транзакции не записала первую страницу файла';
  const h = Buffer.from(block.buffer, block.byteOffset, block.length);
  if (h.length < 100 || !h.subarray(0, 16).equals(SQLITE_MAGIC)) return 'перехваченная первая страница не похожа на заголовок SQLite';
  const headerPageSize = h.readUInt16BE(16) === 1 ? 65536 : h.readUInt16BE(16);
  if (headerPageSize !== e.pageSize) return `размер страницы ${headerPageSize} вместо ${e.pageSize}`;
  if (h.readUInt32BE(28) !== e.pageCount) return `число страниц ${h.readUInt32BE(28)} вместо ${e.pageCount}`;
  if (h.readUInt32BE(40) !== e.schema) return 'версия схемы в перехваченном заголовке не совпадает';
  if (h.readUInt32BE(60) !== e.version) return 'user_version в перехваченном заголовке не совпадает';
  if (size !== e.pageCount * e.pageSize) return `отслеживаемый размер файла ${size} вместо ${e.pageCount * e.pageSize}`;
  return undefined;
}

function pragma(db: Database, name: string): number {
  return Number(db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0]);
}
