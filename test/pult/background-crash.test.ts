import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Status } from '../../src/diagnostics/status';
import { planClear, startClear } from '../../src/registry/clear';
import { startRetentionPass } from '../../src/registry/retention';
import type { Settings } from '../../src/registry/settings-schema';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { buildErrors } from '../pages/harness';
import { rows, withDatabase } from '../helpers/inspect';
import { MED_SETTINGS, REPO, startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';
import { cookieOf, request, SESSION } from '../sim/helpers';

const ERRORS = 200;
const PER_ERROR = 60;

/**
 * A data folder with ERRORS errors of PER_ERROR reports each (real zip files), half of them
 * in version 2.0.5.1, which MED_SETTINGS does not accept, all received 200 days ago; then
 * `begin` records a job the way the pages and the timer do, and pult is started on it.
 */
async function prepared(begin: (store: Awaited<ReturnType<typeof openStore>>, settings: Settings) => Promise<unknown>, settings: Settings) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pult-bgcrash-'));
  const storage = path.join(dir, 'storage', 'pult');
  await mkdir(storage, { recursive: true });
  await mkdir(path.join(dir, 'plugins'));
  await symlink(REPO, path.join(dir, 'plugins', 'pult'), 'dir');
  await writeFile(path.join(storage, 'settings.json'), JSON.stringify(settings));
  await writeFile(path.join(storage, 'pult.config.json'), JSON.stringify({}));
  const store = await openStore({ dir: path.join(storage, 'db'), migrations: MIGRATIONS, log: () => undefined });
  await buildErrors(store, ERRORS, (i) => ({ version: i % 2 ? '2.0.5.1' : '2.0.6.45', reports: PER_ERROR }));
  const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
  await store.write((db) => {
    db.run('UPDATE reports SET received_own = ?', [old]);
    db.run('INSERT INTO report_uids (key, report_id) SELECT uid_own, id FROM reports');
  });
  for (const { zip_name } of store.read((db) => rows<{ zip_name: string }>(db, 'SELECT zip_name FROM reports'))) {
    const shard = path.join(storage, 'zips', zip_name.slice(0, 2));
    fs.mkdirSync(shard, { recursive: true });
    fs.writeFileSync(path.join(shard, zip_name), 'zip');
  }
  await begin(store, settings);
  await store.close();
  return { dir, storage };
}

/** Kills the plugin `kills` times while its job runs (each restart resumes it), then waits for the end. */
async function killDuring(pult: PultSim, kills: number, running: () => Promise<boolean>): Promise<number> {
  let midway = 0;
  for (let k = 0; k < kills; k++) {
    await new Promise((r) => setTimeout(r, 60 + Math.random() * 120));
    const pid = pult.pid();
    if (!pid) continue;
    if (await running()) midway++;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => (pult.pid() && pult.pid() !== pid && pult.sim.plugins.get('pult')?.status === 'running' ? true : undefined), 15000, 'the restart');
  }
  await waitFor(async () => ((await running()) ? undefined : true), 60_000, 'the job to finish');
  return midway;
}

function zipFilesIn(storage: string): Set<string> {
  const root = path.join(storage, 'zips');
  const out = new Set<string>();
  for (const d of fs.readdirSync(root)) {
    if (d === 'incoming') continue;
    for (const f of fs.readdirSync(path.join(root, d))) out.add(f);
  }
  return out;
}

describe('kill -9 in the middle of background work', () => {
  it('a background clear resumes after each kill and ends with the unaccepted version gone, whole, and nothing else touched', async (t) => {
    const { dir, storage } = await prepared(async (store, settings) => {
      const plan = planClear(store, settings);
      assert.equal(await startClear(store, { get: () => settings }, plan.digest), 'started');
      const job = store.read((db) => db.exec("SELECT total FROM jobs WHERE kind = 'clear'")[0]!.values[0]![0]);
      assert.ok(plan.totals.reports > 0);
      assert.equal(job, plan.totals.reports, 'the progress counts every report of the plan');
    }, MED_SETTINGS);
    t.after(() => rm(dir, { recursive: true, force: true }));
    const pult = await startPultSim({ dir, sim: { restartDelayMs: 5 } });
    const admin = { cookie: cookieOf(SESSION.admin), accept: 'text/html' };
    const midway = await killDuring(pult, 3, async () => /Очистка идёт/.test((await request(`${pult.base}/s/clear`, { headers: admin })).text));
    t.diagnostic(`${midway} of 3 kills landed while the clear ran`);
    await pult.stopKeep();
    const state = await withDatabase(storage, (db) => ({
      integrity: rows<{ integrity_check: string }>(db, 'PRAGMA integrity_check')[0]!.integrity_check,
      versions: rows<{ config_version: string; n: number }>(db, 'SELECT config_version, count(*) AS n FROM errors GROUP BY config_version'),
      reports: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM reports')[0]!.n,
      orphans: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM reports WHERE error_id NOT IN (SELECT id FROM errors)')[0]!.n,
      uids: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM report_uids')[0]!.n,
      pending: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pending_deletes')[0]!.n,
      jobs: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM jobs')[0]!.n,
      names: new Set(rows<{ zip_name: string }>(db, 'SELECT zip_name FROM reports').map((r) => r.zip_name)),
    }));
    assert.equal(state.integrity, 'ok');
    assert.deepEqual(state.versions, [{ config_version: '2.0.6.45', n: ERRORS / 2 }]);
    assert.equal(state.reports, (ERRORS / 2) * PER_ERROR, 'the accepted half untouched');
    assert.equal(state.orphans, 0);
    assert.equal(state.uids, state.reports, 'ids of removed reports forgotten, the others kept');
    assert.deepEqual([state.pending, state.jobs], [0, 0]);
    assert.deepEqual(zipFilesIn(storage), state.names, 'exactly the zips of the remaining rows');
    await pult.cleanup();
  });

  it('a retention pass resumes after each kill and ends with each error holding its first and its K newest reports', async (t) => {
    const settings: Settings = { ...MED_SETTINGS, configurations: [{ name: 'МедицинаБольница', versions: [''], recipients: [] }], retention: { enabled: true, days: 30, keepLatest: 5 } };
    const { dir, storage } = await prepared(async (store, s) => assert.equal(await startRetentionPass(store, s), true), settings);
    t.after(() => rm(dir, { recursive: true, force: true }));
    const pult = await startPultSim({ dir, sim: { restartDelayMs: 5 } });
    const status = async () =>
      (await request(`${pult.base}/s/status`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'application/json' } })).json() as Status;
    const midway = await killDuring(pult, 3, async () => (await status()).bounds?.retentionRunning !== undefined);
    t.diagnostic(`${midway} of 3 kills landed while the pass ran`);
    const last = (await status()).bounds!.retentionLast!;
    await pult.stopKeep();
    const state = await withDatabase(storage, (db) => ({
      integrity: rows<{ integrity_check: string }>(db, 'PRAGMA integrity_check')[0]!.integrity_check,
      perError: rows<{ error_id: number; n: number; first: number }>(db, 'SELECT error_id, count(*) AS n, min(id) AS first FROM reports GROUP BY error_id'),
      errors: rows<{ n: number; total: number }>(db, 'SELECT count(*) AS n, sum(reports_total) AS total FROM errors')[0]!,
      uids: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM report_uids')[0]!.n,
      pending: rows<{ n: number }>(db, 'SELECT count(*) AS n FROM pending_deletes')[0]!.n,
      names: new Set(rows<{ zip_name: string }>(db, 'SELECT zip_name FROM reports').map((r) => r.zip_name)),
    }));
    assert.equal(state.integrity, 'ok');
    assert.equal(state.perError.length, ERRORS);
    for (const e of state.perError) {
      assert.equal(e.n, 6, `error ${e.error_id}: first + 5 newest`);
      assert.equal(e.first, (e.error_id - 1) * PER_ERROR + 1, `error ${e.error_id} kept its first report`);
    }
    assert.deepEqual(state.errors, { n: ERRORS, total: ERRORS * PER_ERROR }, 'errors and their counts stay');
    assert.equal(state.uids, ERRORS * 6);
    assert.equal(state.pending, 0);
    assert.deepEqual(zipFilesIn(storage), state.names, 'exactly the zips of the remaining rows');
    assert.equal(last.reports, ERRORS * (PER_ERROR - 6), `every removal counted once, kills or not: ${JSON.stringify(last)}`);
    await pult.cleanup();
  });
});
