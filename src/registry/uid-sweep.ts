import type { Database } from 'sql.js';
import { forgetReportUids, reportUidsAfter } from '../storage/clear-repo';

// Each row costs an EXISTS lookup; the deadline is read between chunks.
const CHUNK = 64;

/**
 * The last phase of every removing job: report ids whose report is gone (the ids of
 * repeats folded into a removed report) are forgotten, walking report_uids by its key
 * until `deadline`. Returns where it stopped; done at the end of the table.
 */
export function sweepReportUids(db: Database, afterUid: string, deadline: number): { afterUid: string; done: boolean } {
  let after = afterUid;
  while (performance.now() < deadline) {
    const rows = reportUidsAfter(db, after, CHUNK);
    forgetReportUids(
      db,
      rows.filter((r) => !r.alive).map((r) => r.uid),
    );
    if (rows.length < CHUNK) return { afterUid: '', done: true };
    after = rows[rows.length - 1]!.uid;
  }
  return { afterUid: after, done: false };
}
