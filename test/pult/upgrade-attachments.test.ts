import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushReport } from '../../sim/platform/report-client';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';
import { sampleReport } from '../helpers/samples';

/**
 * fixtures/storage-v2 is a StoragePath written by the main of before issue 15 (schema 2):
 * nine samples sent, among them compile-error-attached and its repeat with another attached
 * file, which that version folded into the first (count 2, one zip). The upgrade must find
 * the file in the stored zip and never fold into that report again.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'storage-v2');

interface Row {
  id: number;
  count: number;
  has_files: number;
  groupable: number;
  client_id: string | null;
  error_id: number;
}

describe('upgrading a database made before attached files were found in the zip', () => {
  let t: PultSim;
  let before_: Row[];
  let after_: Row[];

  before(async () => {
    // Read on a copy: opening a database migrates it, and the fixture must stay as made.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'pult-fixture-'));
    await cp(FIXTURE, copy, { recursive: true });
    before_ = await withDatabase(copy, (db) => rows<Row>(db, 'SELECT id, count, has_files, groupable, client_id, error_id FROM reports ORDER BY id'));
    await rm(copy, { recursive: true, force: true });
    t = await startPultSim({ storageFrom: FIXTURE });
    await waitFor(() => t.lines.find((l) => l.includes('проверка вложений сохранённых отчётов: закончена')), 10_000, 'the rescan');
    assert.equal((await pushReport(t.base, sampleReport('compile-error-attached-repeat'))).status, 200);
    await t.stopKeep();
    after_ = await withDatabase(t.storage, (db) => rows<Row>(db, 'SELECT id, count, has_files, groupable, client_id, error_id FROM reports ORDER BY id'));
  });
  after(() => t.cleanup());

  it('the fixture shows the old loss: the repeat folded into the compile-error report', () => {
    const compile = before_.filter((r) => r.error_id === before_[before_.length - 1]!.error_id);
    assert.equal(compile.length, 1);
    assert.deepEqual([compile[0]!.count, compile[0]!.has_files, compile[0]!.groupable], [2, 0, 1]);
  });

  it('marks the stored report whose zip holds an unlisted attached file, and only that one', () => {
    const changed = after_.filter((r) => {
      const old = before_.find((b) => b.id === r.id);
      return old && (old.has_files !== r.has_files || old.groupable !== r.groupable);
    });
    assert.equal(changed.length, 1, JSON.stringify(changed));
    assert.deepEqual([changed[0]!.has_files, changed[0]!.groupable], [1, 0]);
  });

  it('stores the next repeat with another attached file as a report of its own', () => {
    assert.equal(after_.length, before_.length + 1);
    const added = after_[after_.length - 1]!;
    assert.deepEqual([added.count, added.has_files, added.groupable], [1, 1, 0]);
  });

  it('leaves no rescan due, and the fold invariant in the schema', async () => {
    const meta = await withDatabase(t.storage, (db) => rows(db, "SELECT key FROM meta WHERE key = 'rescan_attachments_after'"));
    assert.deepEqual(meta, []);
    const idx = await withDatabase(t.storage, (db) => rows<{ sql: string }>(db, "SELECT sql FROM sqlite_master WHERE name = 'reports_groupable_once'"));
    assert.match(idx[0]!.sql, /UNIQUE INDEX/);
  });
});
