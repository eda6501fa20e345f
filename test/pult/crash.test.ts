import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushReport } from '../../sim/platform/report-client';
import { buildReportZip } from '../helpers/build-report';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';

// The simulator's restart backoff doubles per crash (5 ms · 2^n): ten kills cost about 5 s of it.
const KILLS = Number(process.env.CRASH_KILLS ?? 10);
const CLIENTS = 6;

describe('kill -9 while clients send reports', () => {
  let t: PultSim;
  const acked = new Map<string, number>(); // report number → times acknowledged
  let kills = 0;
  let sent = 0;

  before(async () => {
    t = await startPultSim({ sim: { restartDelayMs: 5 } });
    const agent = new http.Agent({ keepAlive: false });
    let stop = false;
    let n = 0;
    const client = async () => {
      while (!stop) {
        const i = n++;
        const zip = await buildReportZip({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          clientId: i % 3 === 0 ? `pc-${i % 7}` : `pc-${i}`,
          texts: [`Ошибка ${i % 40}`],
          attachedFile: i % 11 === 0,
        });
        sent++;
        try {
          const a = await pushReport(t.base, zip, agent);
          if (a.status === 200) acked.set(`${i}`, (acked.get(`${i}`) ?? 0) + 1);
        } catch {
          // connection reset by the kill: not acknowledged
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    while (kills < KILLS) {
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 400));
      const pid = t.pid();
      if (!pid) continue;
      process.kill(pid, 'SIGKILL');
      kills++;
      await waitFor(() => (t.pid() && t.pid() !== pid && t.sim.plugins.get('pult')?.status === 'running' ? true : undefined), 15000, 'the restart');
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(clients);
    await t.stopKeep();
  });
  after(() => t.cleanup());

  it(`was killed ${KILLS} times while reports kept arriving`, (ctx) => {
    ctx.diagnostic(`${kills} kills, ${sent} reports sent, ${acked.size} acknowledged`);
    assert.equal(kills, KILLS);
    assert.ok(acked.size > KILLS * 5, `${acked.size} acknowledged of ${sent} sent`);
  });

  it('kept every acknowledged report, with its zip, in a database that opens', async () => {
    const result = await withDatabase(t.storage, (db) => ({
      integrity: rows<{ integrity_check: string }>(db, 'PRAGMA integrity_check')[0]!.integrity_check,
      uids: new Set(rows<{ uid: string }>(db, 'SELECT uid FROM report_uids').map((r) => r.uid)),
      reports: rows<{ zip_name: string; zip_size: number }>(db, 'SELECT zip_name, zip_size FROM reports'),
    }));
    assert.equal(result.integrity, 'ok');
    const missing = [...acked.keys()].filter((i) => !result.uids.has(`00000000-0000-4000-8000-${i.padStart(12, '0')}`));
    assert.deepEqual(missing, [], 'acknowledged but lost');
    const zips = path.join(t.storage, 'zips');
    const lost = result.reports.filter((r) => {
      const p = [path.join(zips, r.zip_name.slice(0, 2), r.zip_name), path.join(zips, 'incoming', r.zip_name)].find((f) => fs.existsSync(f));
      return !p || fs.statSync(p).size !== r.zip_size;
    });
    assert.deepEqual(lost, [], 'rows whose zip is missing or short');
  });
});
