import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readReport } from '../../src/intake/read-report';
import { registerReport, type RegisterDeps } from '../../src/registry/register-report';
import { SettingsStore } from '../../src/registry/settings-store';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all, run } from '../../src/storage/sql';
import { ZipStore } from '../../src/storage/zip-store';
import { buildReportZip, type ReportChanges } from '../helpers/build-report';
import { MED_SETTINGS } from '../helpers/pult-sim';

const silent = { info() {}, warn() {}, error() {} } as unknown as RegisterDeps['log'];

describe('registerReport: the rules on a real store', () => {
  let dir: string;
  let deps: RegisterDeps;
  let newErrors = 0;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pult-register-'));
    const store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => {} });
    const settings = SettingsStore.open(dir);
    await settings.update(MED_SETTINGS as never);
    newErrors = 0;
    deps = { store, zips: new ZipStore(path.join(dir, 'zips')), settings, log: silent, onNewError: () => newErrors++ };
  });
  afterEach(async () => {
    await deps.store.close();
    await deps.zips.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (changes: ReportChanges = {}) =>
    registerReport(deps, { ...(await readReport(await buildReportZip(changes), 1 << 20)), ip: '10.1.1.1', receivedAt: new Date() });
  const reports = () => deps.store.read((db) => all<{ id: number; error_id: number; count: number; groupable: number }>(db, 'SELECT id, error_id, count, groupable FROM reports ORDER BY id'));
  const zipCount = () => fs.readdirSync(path.join(dir, 'zips'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

  it('a new key is a new error with its report, a notice and a zip', async () => {
    const out = await send({ clientId: 'pc-1' });
    assert.deepEqual(out, { kind: 'new-error', errorId: 1, reportId: 1 });
    assert.equal(newErrors, 1);
    assert.equal(zipCount(), 1);
    assert.equal(deps.store.read((db) => all(db, 'SELECT id FROM notices')).length, 1);
  });

  it('the same error from another computer is a new report of it', async () => {
    await send({ clientId: 'pc-1' });
    assert.deepEqual(await send({ clientId: 'pc-2' }), { kind: 'new-report', errorId: 1, reportId: 2 });
    assert.equal(zipCount(), 2);
  });

  it('a repeat from the same computer folds: count 2, no zip', async () => {
    await send({ clientId: 'pc-1' });
    assert.deepEqual(await send({ clientId: 'pc-1' }), { kind: 'folded', errorId: 1, reportId: 1 });
    assert.deepEqual(reports().map((r) => r.count), [2]);
    assert.equal(zipCount(), 1);
  });

  it('the same report id twice counts once', async () => {
    await send({ id: 'same-id', clientId: null });
    assert.deepEqual(await send({ id: 'same-id', clientId: null }), { kind: 'duplicate-id' });
    assert.equal(reports().length, 1);
    assert.equal(deps.store.read((db) => all<{ reports_total: number }>(db, 'SELECT reports_total FROM errors'))[0]!.reports_total, 1);
  });

  it('two reports of a new error from the same computer at once: one error, one groupable report counted twice, one zip', async () => {
    const [a, b] = await Promise.all([send({ clientId: 'pc-1' }), send({ clientId: 'pc-1' })]);
    assert.deepEqual([a.kind, b.kind].sort(), ['folded', 'new-error']);
    assert.deepEqual(reports().map((r) => [r.count, r.groupable]), [[2, 1]]);
    assert.equal(newErrors, 1);
    assert.equal(zipCount(), 1, 'the losing zip is discarded');
  });

  it('the schema itself refuses a second groupable report of an error from one computer', async () => {
    await send({ clientId: 'pc-1' });
    await assert.rejects(
      deps.store.write((db) =>
        run(db, `INSERT INTO reports (error_id, received_own, time_own, client_id, groupable, has_files, env_id, zip_own, zip_size)
                 VALUES (1, 'x', 'x', 'pc-1', 1, 0, 1, 'y.zip', 1)`),
      ),
      /UNIQUE constraint failed/,
    );
  });

  it('never gives a number twice: after the newest error and report are removed, the next ones get new numbers', async () => {
    await send({ clientId: 'pc-1', texts: ['первая'] });
    const second = await send({ clientId: 'pc-1', texts: ['вторая'] });
    assert.equal(second.kind, 'new-error');
    await deps.store.write((db) => {
      run(db, 'DELETE FROM reports WHERE error_id = 2');
      run(db, 'DELETE FROM errors WHERE id = 2');
    });
    const third = await send({ clientId: 'pc-1', texts: ['третья'] });
    assert.deepEqual(third, { kind: 'new-error', errorId: 3, reportId: 3 }, 'a link to error 2 in an old mail must not open another error');
  });
});
