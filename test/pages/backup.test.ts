import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all } from '../../src/storage/sql';
import { BASE, buildErrors, rows, startApp } from './harness';

const BACKUP = `${BASE}s/backup`;

describe('GET /pult/s/backup', () => {
  it('gives an administrator a consistent copy of the database while writes go on; restored, it passes integrity_check and holds every earlier row', async (t) => {
    const app = await startApp(t);
    await app.register('client-error', 'client-error-other-pc', 'with-attached-file');
    await buildErrors(app.store, 500, () => ({ reports: 4 }));
    const before = rows<{ n: number }>(app.store, 'SELECT count(*) AS n FROM reports')[0]!.n;
    // Writes keep arriving during the copy.
    let writing = true;
    const writer = (async () => {
      while (writing) await buildErrors(app.store, 20, () => ({ reports: 2 }));
    })();
    const res = await app.browser('admin').get(BACKUP);
    writing = false;
    await writer;
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.sqlite3');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="pult-\d{8}-\d{4}\.sqlite"$/);
    assert.equal(res.body.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    // Removed when the file stream closes, just after the last byte went out.
    for (let i = 0; i < 100 && (await fs.readdir(path.join(app.dir, 'backup'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await fs.readdir(path.join(app.dir, 'backup')), [], 'the copy is removed once sent');

    // Restore as the README says: the file becomes db/pult.sqlite of an empty data folder.
    const restored = await fs.mkdtemp(path.join(os.tmpdir(), 'pult-restore-'));
    t.after(() => fs.rm(restored, { recursive: true, force: true }));
    await fs.mkdir(path.join(restored, 'db'));
    await fs.writeFile(path.join(restored, 'db', 'pult.sqlite'), res.body);
    const store = await openStore({ dir: path.join(restored, 'db'), migrations: MIGRATIONS, log: () => undefined });
    try {
      const check = store.read((db) => all<{ integrity_check: string }>(db, 'PRAGMA integrity_check'));
      assert.deepEqual(check, [{ integrity_check: 'ok' }]);
      const n = store.read((db) => all<{ n: number }>(db, 'SELECT count(*) AS n FROM reports'))[0]!.n;
      assert.ok(n >= before, `${n} reports in the copy, ${before} before the download`);
      const orphans = store.read((db) => all<{ n: number }>(db, 'SELECT count(*) AS n FROM reports WHERE error_id NOT IN (SELECT id FROM errors)'))[0]!.n;
      assert.equal(orphans, 0);
    } finally {
      await store.close();
    }
  });

  it('is for administrators only', async (t) => {
    const app = await startApp(t);
    const res = await app.browser('reader').get(BACKUP);
    assert.equal(res.status, 403);
  });

  it('is refused when another site made the request, and gives one copy at a time', async (t) => {
    const app = await startApp(t);
    await buildErrors(app.store, 2000, () => ({ reports: 5 }));
    const admin = app.browser('admin');
    const crossSite = await admin.get(BACKUP, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403, 'an <img> on another site in an administrator\'s browser copies nothing');
    assert.deepEqual(await fs.readdir(path.join(app.dir, 'backup')).catch(() => []), []);
    const [a, b] = await Promise.all([admin.get(BACKUP), admin.get(BACKUP)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 429]);
    // Free again once the first copy was sent and removed (just after its last byte).
    for (let i = 0; i < 100 && (await fs.readdir(path.join(app.dir, 'backup'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const again = await admin.get(BACKUP);
    assert.equal(again.status, 200, 'free again once the first was sent');
  });
});
