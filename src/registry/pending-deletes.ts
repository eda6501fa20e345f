import type { Logger } from '../log';
import { forgetPendingDeletes, pendingDeletes } from '../storage/clear-repo';
import type { Store } from '../storage/store';
import type { ZipStore } from '../storage/zip-store';

const BATCH = 500;
const PARALLEL = 8;

/**
 * Deletes the zips listed in pending_deletes, then forgets those rows. Safe to repeat
 * (a missing file counts as removed); a file that cannot be removed stays listed for the
 * next start-up. Called after every removing batch and at start-up.
 */
export async function finishPendingDeletes(store: Store, zips: ZipStore, log?: Logger): Promise<{ removed: number; failed: number }> {
  let removed = 0;
  let failed = 0;
  let after = '';
  for (;;) {
    const names = store.read((db) => pendingDeletes(db, after, BATCH));
    if (names.length === 0) break;
    after = names[names.length - 1]!;
    const gone: string[] = [];
    for (let i = 0; i < names.length; i += PARALLEL) {
      await Promise.all(
        names.slice(i, i + PARALLEL).map(async (name) => {
          try {
            await zips.remove(name);
            gone.push(name);
          } catch (err) {
            failed++;
            log?.warn(`файл отчёта ${name} не удалён: ${(err as Error).message} (повторим при запуске)`);
          }
        }),
      );
    }
    await store.write((db) => forgetPendingDeletes(db, gone));
    removed += gone.length;
  }
  return { removed, failed };
}
