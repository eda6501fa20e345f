import type { Logger } from '../log';
import { finishPendingDeletes } from './pending-deletes';
import { dropOrphanNotices } from '../storage/notices-repo';
import { zipReferenceChecker } from '../storage/registry-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';

/**
 * Start-up repair of what a crash can leave between a zip and its row: zips in incoming/
 * whose row exists are settled, the rest (never acknowledged) removed; a clear that was
 * cut short deletes the rest of its files; notices of errors that no longer exist are dropped. The database itself was already recovered from its
 * journal by the engine.
 */
export async function recoverStorage(store: Store, zips: ZipStore, log: Logger): Promise<void> {
  const referenced = store.read((db) => zipReferenceChecker(db));
  const { settled, removed } = await zips.recover(referenced);
  if (settled || removed) log.info(`восстановление после сбоя: файлов отчётов перенесено ${settled}, удалено недописанных ${removed}`);
  await finishPendingDeletes(store, zips, log);
  const orphans = await store.write((db) => dropOrphanNotices(db));
  if (orphans) log.info(`удалено уведомлений об уже удалённых ошибках: ${orphans}`);
}
