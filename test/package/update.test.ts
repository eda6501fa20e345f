import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from '../../sim/index';
import { writePluginFile } from '../../sim/plugins/file-format';
import { pushReport } from '../../sim/platform/report-client';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all, run } from '../../src/storage/sql';
import { readOutbox, waitFor } from '../helpers/pult-sim';
import { sampleReport, SAMPLE_ORDER } from '../helpers/samples';
import { MIGRATIONS as NEXT_MIGRATIONS, TEST_VERSION } from './fixtures/migrations-with-test-step';
import {
  buildBoth,
  dropUpdate,
  fileHash,
  get,
  hashTree,
  installInto,
  lineAfter,
  nextEvent,
  startSim,
  tmpRoot,
  today,
  UPDATE_VERSION,
  withDb,
  type Builds,
  type Installed,
} from './helpers';

const BEFORE_UPDATE = SAMPLE_ORDER.slice(0, 7);
const AFTER_UPDATE = ['web-client', 'minimal'] as const;
const MARK = { login: 'admin', name: 'Администратор', at: '2026-01-02T03:04:05.000Z' };

interface DataFacts {
  reports: Record<string, unknown>[];
  errors: Record<string, unknown>[];
  uids: Record<string, unknown>[];
  zips: Record<string, string>;
  settings: string;
  pultConfig: string;
}

async function facts(storage: string, migrations = MIGRATIONS): Promise<DataFacts> {
  return {
    ...(await withDb(storage, migrations, (db) => ({
      reports: all<Record<string, unknown>>(db, 'SELECT * FROM reports ORDER BY id'),
      errors: all<Record<string, unknown>>(db, 'SELECT * FROM errors ORDER BY id'),
      uids: all<Record<string, unknown>>(db, 'SELECT * FROM report_uids ORDER BY uid'),
    }))),
    zips: hashTree(path.join(storage, 'zips')),
    settings: await readFile(path.join(storage, 'settings.json'), 'utf8'),
    pultConfig: await readFile(path.join(storage, 'pult.config.json'), 'utf8'),
  };
}

describe('the production file: installed alone, updated with a schema change, bad updates refused', () => {
  let root: string;
  let builds: Builds;
  let at: Installed;
  let sim: Simulator;
  let before_: DataFacts;
  const seen = { pushedBefore: [] as number[], statuses: new Set<number>(), texts503: new Set<string>() };

  before(async () => {
    root = await tmpRoot('pult-package-update-');
    builds = await buildBoth(root);
    at = await installInto(root, builds.current.file);
    sim = await startSim(at);
    for (const name of BEFORE_UPDATE) seen.pushedBefore.push((await pushReport(`${sim.url}/pult`, sampleReport(name))).status);
    await waitFor(() => (readOutbox(path.join(at.dir, 'outbox')).length > 0 ? true : undefined), 8000, 'the notice mail');
    // An old-style mark column, set while pult is stopped (its database is locked while it runs).
    await sim.stop();
    await withDb(at.storage, MIGRATIONS, (db) => run(db, 'UPDATE errors SET mark_login = ?, mark_name = ?, mark_at = ? WHERE id = 1', [MARK.login, MARK.name, MARK.at]), true);
    before_ = await facts(at.storage);
    sim = await startSim(at);
  });
  after(async () => {
    await sim?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('serves pult from the file alone: pages, assets and intake', async () => {
    assert.deepEqual(fs.readdirSync(at.plugins), ['pult.kplugin']);
    assert.equal(sim.plugins.get('pult')?.status, 'running');
    assert.equal((await get(`${sim.url}/pult/`)).status, 200);
    assert.equal((await get(`${sim.url}/pult/static/pult.css`)).status, 200);
    assert.deepEqual(seen.pushedBefore, BEFORE_UPDATE.map(() => 200));
    assert.equal(before_.reports.length, BEFORE_UPDATE.length - 1, 'one report row per send, the repeat folded');
  });

  it('applies a dropped update step by step, in order, with the route in service state meanwhile', async () => {
    const oldPid = sim.plugins.get('pult')!.pid;
    const from = at.lines.length;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await get(`${sim.url}/pult/`).catch(() => ({ status: 0, body: 'connection failed' }));
        seen.statuses.add(r.status);
        if (r.status === 503) seen.texts503.add(r.body.trim());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const applied = nextEvent<{ route: string; status: string; version: string; backup: string }>(at.events, 'update-applied');
    await dropUpdate(at, builds.next.file);
    const done = await applied;
    polling = false;
    await poller;

    assert.equal(done.status, 'running');
    assert.equal(done.version, UPDATE_VERSION);
    assert.notEqual(sim.plugins.get('pult')!.pid, oldPid, 'a new process');
    const steps = [
      '[pult] обновление найдено: pult.kplugin.update',
      `[pult] обновление проверено: pult 0.1.0 → ${UPDATE_VERSION}`,
      '[pult] обновление: маршрут /pult в служебном состоянии (503)',
      '[pult] останавливается',
      '[pult] onShutdown завершён',
      '[pult] процесс завершился (код 0)',
      '[pult] обновление: плагин остановлен через onShutdown',
      `[pult] обновление: pult.kplugin → pult.${today()}`,
      '[pult] обновление: pult.kplugin.update → pult.kplugin',
      '[pult] обновление: полная инициализация',
      '[pult] запускается',
      '[pult] запущен',
      `[pult] обновление применено: маршрут /pult восстановлен (pult ${UPDATE_VERSION})`,
    ];
    let i = from - 1;
    for (const step of steps) {
      const next = lineAfter(at.lines, step, i);
      assert.ok(next > i, `step «${step}» after line ${i}:\n${at.lines.slice(from).join('\n')}`);
      i = next;
    }
    assert.ok(seen.statuses.has(503), 'the route answered 503 during the update');
    assert.deepEqual([...seen.statuses].filter((s) => s !== 200 && s !== 503), [], 'only 200 and 503, never 502');
    assert.deepEqual([...seen.texts503], ['Плагин «pult» обновляется. Повторите запрос через несколько секунд.']);
  });

  it('leaves the new file in place and the old one as the dated backup', async () => {
    assert.deepEqual(fs.readdirSync(at.plugins).sort(), [`pult.${today()}`, 'pult.kplugin']);
    assert.equal(await fileHash(path.join(at.plugins, 'pult.kplugin')), await fileHash(builds.next.file));
    assert.equal(await fileHash(path.join(at.plugins, `pult.${today()}`)), await fileHash(builds.current.file));
  });

  it('keeps taking reports after the update', async () => {
    for (const name of AFTER_UPDATE) assert.equal((await pushReport(`${sim.url}/pult`, sampleReport(name))).status, 200, name);
  });

  it('refuses a corrupt update with a message, leaves it alone, does not retry it, and keeps serving', async () => {
    const pid = sim.plugins.get('pult')!.pid;
    const corrupt = Buffer.from(await readFile(builds.next.file));
    const middle = Math.floor(corrupt.length / 2);
    corrupt.fill(0xa5, middle, middle + 64);
    const refused = nextEvent<{ route: string; reason: string }>(at.events, 'update-refused');
    const file = await dropUpdate(at, corrupt);
    const { reason } = await refused;
    assert.match(reason, /не архив плагина|контрольная сумма/);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // four rescans
    assert.equal(at.lines.filter((l) => l.includes('обновление отклонено')).length, 1, 'refused once, not retried');
    assert.match(at.lines.find((l) => l.includes('обновление отклонено'))!, /оставлен на месте, работающий плагин продолжает работу/);
    assert.ok(fs.readFileSync(file).equals(corrupt), 'the file is left as it was');
    assert.equal(sim.plugins.get('pult')!.pid, pid, 'the same process');
    assert.equal((await get(`${sim.url}/pult/`)).status, 200);
    await rm(file);
  });

  it('refuses foreign files: another plugin, another route, not our format', async () => {
    const stage = path.join(root, 'other-stage');
    await mkdir(stage, { recursive: true });
    await writeFile(path.join(stage, 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0', main: 'index.js', required_licenses: [50100] }));
    await writeFile(path.join(stage, 'index.js'), '');
    await writePluginFile(stage, path.join(root, 'other-route.kplugin'), 'other');
    await writePluginFile(stage, path.join(root, 'other-name.kplugin'), 'pult');
    const cases: [string | Buffer, RegExp][] = [
      [path.join(root, 'other-route.kplugin'), /для маршрута \/other, а не \/pult/],
      [path.join(root, 'other-name.kplugin'), /плагин «other», а на маршруте \/pult установлен «pult»/],
      [sampleReport('client-error'), /нет kplugin\.json/],
      [Buffer.from('not a zip at all'), /не архив плагина/],
    ];
    for (const [file, expected] of cases) {
      const refused = nextEvent<{ route: string; reason: string }>(at.events, 'update-refused');
      const dropped = await dropUpdate(at, file);
      assert.match((await refused).reason, expected);
      assert.equal((await get(`${sim.url}/pult/`)).status, 200);
      await rm(dropped);
    }
  });

  it('kept every report, zip, mark and setting; the migration ran once over the old data', async () => {
    await sim.stop();
    const now = await facts(at.storage, NEXT_MIGRATIONS);
    const version = await withDb(at.storage, NEXT_MIGRATIONS, (db) => all<{ v: number }>(db, 'SELECT user_version AS v FROM pragma_user_version')[0]!.v);
    assert.equal(version, TEST_VERSION);
    assert.equal(now.reports.length, before_.reports.length + AFTER_UPDATE.length, 'the new reports too');
    assert.deepEqual(now.reports.slice(0, before_.reports.length), before_.reports, 'every report row as it was');
    for (const old of before_.errors) {
      const { test_note, ...rest } = now.errors.find((e) => e.id === old.id)!;
      assert.equal(test_note, `migrated ${old.id}`);
      assert.equal(rest.key_hash, old.key_hash);
      assert.deepEqual([rest.mark_login, rest.mark_name, rest.mark_at], [old.mark_login, old.mark_name, old.mark_at]);
    }
    assert.deepEqual([now.errors[0]!.mark_login, now.errors[0]!.mark_at], [MARK.login, MARK.at], 'the mark survived');
    for (const uid of before_.uids) assert.ok(now.uids.some((u) => u.uid === uid.uid), `report id ${uid.uid}`);
    for (const [zip, hash] of Object.entries(before_.zips)) assert.equal(now.zips[zip], hash, `zip ${zip}`);
    assert.equal(Object.keys(now.zips).length, Object.keys(before_.zips).length + AFTER_UPDATE.length);
    assert.equal(now.settings, before_.settings, 'settings.json untouched');
    assert.equal(now.pultConfig, before_.pultConfig, 'pult.config.json untouched');
  });
});
