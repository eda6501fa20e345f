import { markHasFiles, nextToRescan, RESCAN_CURSOR } from '../storage/attachments-repo';
import { hasAttachedFiles } from './attachments';
import { ZipPass, type PassResult, type ZipPassDeps } from './zip-pass';

export type RescanResult = PassResult;

/**
 * Once after the upgrade that found attached files in the zip (attachments.ts): stored
 * reports that were taken for "no files" are read again and those whose zip holds a file
 * the user attached are marked, so they are never folded again. A background pass over the
 * zips (zip-pass.ts) from the cursor migration 3 left.
 */
export class AttachmentRescan extends ZipPass<{ id: number; zip_name: string }, true> {
  constructor(deps: ZipPassDeps) {
    super(deps, {
      label: 'проверка вложений сохранённых отчётов',
      cursorKey: RESCAN_CURSOR,
      next: nextToRescan,
      learn: (read) => (hasAttachedFiles(read.report, read.entries) ? true : undefined),
      save: (db, row) => markHasFiles(db, row.id),
    });
  }
}
