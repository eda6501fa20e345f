import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from '../../sim/index';
import { pushReport } from '../../sim/platform/report-client';
import { MIGRATIONS } from '../../src/storage/migrations';
import { all } from '../../src/storage/sql';
import { sampleReport, SAMPLE_ORDER } from '../helpers/samples';
import { MIGRATIONS as NEXT_MIGRATIONS, RELEASED_VERSION, TEST_VERSION } from './fixtures/migrations-with-test-step';
import {
  buildBoth,
  dropUpdate,
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

const CRASH_CHILD = path.join(__dirname, 'fixtures', 'migrate-and-crash.ts');

type Row = Record<string, unknown>;

function reportRows(storage: string, migrations = MIGRATIONS): Promise<Row[]> {
  return withDb(storage, migrations, (db) => all<Row>(db, 'SELECT * FROM reports ORDER BY id'));
}

function schemaFacts(storage: string, migrations = MIGRATIONS) {
  return withDb(storage, migrations, (db) => ({
    version: all<{ v: number }>(db, 'SELECT user_version AS v FROM pragma_user_version')[0]!.v,
    integrity: all<{ r: string }>(db, 'SELECT integrity_check AS r FROM pragma_integrity_check')[0]!.r,
    errorColumns: all<{ name: string }>(db, 'SELECT name FROM pragma_table_info(?)', ['errors']).map((c) => c.name),
    tables: all<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((t) => t.name),
  }));
}

function runCrashChild(dbDir: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, dbDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`child exited with ${code}: ${err}`))));
  });
}

describe('data across versions: migration at start, crash mid-migration, an older version on a newer database', () => {
  let root: string;
  let builds: Builds;
  let at: Installed;
  let sim: Simulator | undefined;
  let released: Row[];

  before(async () => {
    root = await tmpRoot('pult-package-versions-');
    builds = await buildBoth(root);
    at = await installInto(root, builds.current.file);
    sim = await startSim(at);
    for (const name of SAMPLE_ORDER) await pushReport(`${sim.url}/pult`, sampleReport(name));
    await sim.stop();
    sim = undefined;
    released = await reportRows(at.storage);
  });
  after(async () => {
    await sim?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('a crash in the middle of a migration leaves the database whole, at the old version', async () => {
    assert.equal(await runCrashChild(path.join(at.storage, 'db')), 'SIGKILL');
    const facts = await schemaFacts(at.storage);
    assert.equal(facts.version, RELEASED_VERSION);
    assert.equal(facts.integrity, 'ok');
    assert.ok(!facts.errorColumns.includes('test_note'), 'no trace of the half-done step');
    assert.ok(!facts.tables.includes('test_upgrade'));
    assert.deepEqual(await reportRows(at.storage), released);
  });

  it('an update waiting at start is applied before the first start, and the new version migrates the database', async () => {
    await dropUpdate(at, builds.next.file);
    const from = at.lines.length;
    sim = await startSim(at);
    const steps = [
      '[pult] обновление найдено: pult.kplugin.update (при запуске симулятора)',
      `[pult] обновление проверено: pult 0.1.0 → ${UPDATE_VERSION}`,
      '[pult] обновление: плагин не работал, останавливать нечего',
      `[pult] обновление: pult.kplugin → pult.${today()}`,
      '[pult] обновление: pult.kplugin.update → pult.kplugin',
      `[pult] обновление применено до первого запуска: pult ${UPDATE_VERSION}`,
      '[pult] запускается',
      '[pult] запущен',
    ];
    let i = from - 1;
    for (const step of steps) {
      const next = lineAfter(at.lines, step, i);
      assert.ok(next > i, `step «${step}»:\n${at.lines.slice(from).join('\n')}`);
      i = next;
    }
    const appliedAt = lineAfter(at.lines, 'обновление применено до первого запуска', from - 1);
    assert.ok(lineAfter(at.lines, '[pult] запускается', from - 1) > appliedAt, 'no start before the update');
    assert.equal((await get(`${sim.url}/pult/`)).status, 200);
    await sim.stop();
    sim = undefined;
    const facts = await schemaFacts(at.storage, NEXT_MIGRATIONS);
    assert.equal(facts.version, TEST_VERSION);
    assert.equal(facts.integrity, 'ok');
    assert.deepEqual(await reportRows(at.storage, NEXT_MIGRATIONS), released);
  });

  it('the older version started on the newer database answers 503 naming the problem and changes no file', async () => {
    const dbDir = path.join(at.storage, 'db');
    const before_ = hashTree(dbDir, ['pult.lock']);
    await dropUpdate(at, builds.current.file);
    sim = await startSim(at);
    const page = await get(`${sim.url}/pult/`);
    assert.equal(page.status, 503);
    assert.match(page.body, new RegExp(`версию схемы ${TEST_VERSION}.*до ${RELEASED_VERSION}.*данные не изменены`, 's'));
    const push = await pushReport(`${sim.url}/pult`, sampleReport('minimal'));
    assert.equal(push.status, 503, 'reports are not taken either');
    assert.equal(sim.plugins.get('pult')?.status, 'running', 'served, not crash-looping');
    assert.equal(sim.plugins.get('pult')?.restarts, 0);
    await sim.stop();
    sim = undefined;
    assert.deepEqual(hashTree(dbDir, ['pult.lock']), before_);
  });

  it('updating forward again brings everything back; backups of one day get -2, -3', async () => {
    sim = await startSim(at);
    const applied = nextEvent<{ route: string; status: string }>(at.events, 'update-applied');
    await dropUpdate(at, builds.next.file);
    assert.equal((await applied).status, 'running');
    assert.equal((await get(`${sim.url}/pult/`)).status, 200);
    await sim.stop();
    sim = undefined;
    assert.deepEqual(await reportRows(at.storage, NEXT_MIGRATIONS), released);
    const d = today();
    assert.deepEqual(fs.readdirSync(at.plugins).sort(), [`pult.${d}`, `pult.${d}-2`, `pult.${d}-3`, 'pult.kplugin']);
  });
});
