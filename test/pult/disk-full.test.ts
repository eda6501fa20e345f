import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import JSZip from 'jszip';
import { getInfo, pushReportBody } from '../../sim/platform/report-client';
import { withDatabase, rows } from '../helpers/inspect';
import { MED_SETTINGS, readOutbox, REPO, startPultSim, waitFor } from '../helpers/pult-sim';
import { sampleReportJson } from '../helpers/samples';
import { request } from '../sim/helpers';

/** A report with a 150 KB incompressible attached file: stored on its own, never folded. */
async function bigReport(): Promise<{ id: string; zip: Buffer }> {
  const json = sampleReportJson('client-error') as Record<string, any>;
  json.id = randomUUID();
  json.additionalFiles = ['log.bin'];
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(json));
  zip.file('log.bin', randomBytes(150 * 1024));
  return { id: json.id, zip: Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'STORE' })) };
}

function canMount(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0;
}

/**
 * A simulator folder whose StoragePath is a fresh tmpfs of `sizeMb` (unmounted after the
 * test), pult linked in, settings with a disk reserve of `minFreeMb`.
 */
async function onTmpfs(t: { after(fn: () => Promise<void>): void }, sizeMb: number, disk: { minFreeMb: number; alertRecipients: string[] }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pult-disk-'));
  const storage = path.join(dir, 'storage', 'pult');
  await mkdir(storage, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', storage]);
  t.after(async () => {
    execFileSync('umount', ['-l', storage]);
    await rm(dir, { recursive: true, force: true });
  });
  await mkdir(path.join(dir, 'plugins'));
  await symlink(REPO, path.join(dir, 'plugins', 'pult'), 'dir');
  await writeFile(path.join(storage, 'settings.json'), JSON.stringify({ ...MED_SETTINGS, disk }));
  await writeFile(path.join(storage, 'pult.config.json'), JSON.stringify({ notices: { batchSeconds: 0.3, retrySeconds: 1, minIntervalSeconds: 0 } }));
  return { dir, storage };
}

describe('a full disk (tmpfs of 12 MB under StoragePath)', { skip: !canMount() && 'needs root to mount a tmpfs' }, () => {
  it('refuses reports with 503 + Retry-After before writing anything, answers getInfo false, mails once, and takes reports again when space returns', async (t) => {
    const { dir, storage } = await onTmpfs(t, 12, { minFreeMb: 2, alertRecipients: ['admin@example.ru'] });
    // What "space returns" will remove.
    await writeFile(path.join(storage, 'filler.bin'), randomBytes(3 * 1024 * 1024));

    const pult = await startPultSim({ dir });
    const acknowledged: string[] = [];
    let refused: Awaited<ReturnType<typeof request>> | undefined;
    try {
      for (let i = 0; i < 80 && !refused; i++) {
        const { id, zip } = await bigReport();
        const { body, contentType } = pushReportBody(zip);
        const res = await request(`${pult.base}/pushReport`, { method: 'POST', headers: { 'content-type': contentType }, body });
        if (res.status === 200) acknowledged.push(id);
        else refused = res;
      }
      assert.ok(refused, 'the disk filled');
      assert.ok(acknowledged.length >= 10, `${acknowledged.length} reports fitted first`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '300');
      assert.match(refused.json().error, /заканчивается место на диске/);
      assert.deepEqual(fs.readdirSync(path.join(storage, 'zips', 'incoming')), [], 'no half-written zip');

      const info = await getInfo(pult.base, { configName: 'МедицинаБольница', configVersion: '2.0.6.45' });
      assert.deepEqual(JSON.parse(info.body), { needSendReport: false });
      for (let i = 0; i < 3; i++) {
        const { body, contentType } = pushReportBody((await bigReport()).zip);
        assert.equal((await request(`${pult.base}/pushReport`, { method: 'POST', headers: { 'content-type': contentType }, body })).status, 503);
      }
      const mails = await waitFor(() => {
        const m = readOutbox(pult.outbox).filter((x) => /место на диске/.test(x.subject));
        return m.length ? m : undefined;
      });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(readOutbox(pult.outbox).filter((x) => /место на диске/.test(x.subject)).length, 1, 'one mail, not one per report');
      assert.equal(mails[0]!.to, 'admin@example.ru');

      fs.rmSync(path.join(storage, 'filler.bin'));
      const again = await waitFor(async () => {
        const { id, zip } = await bigReport();
        const { body, contentType } = pushReportBody(zip);
        const res = await request(`${pult.base}/pushReport`, { method: 'POST', headers: { 'content-type': contentType }, body });
        if (res.status !== 200) return undefined;
        acknowledged.push(id);
        return res;
      }, 10_000, 'intake to resume');
      assert.equal(again.status, 200);
    } finally {
      await pult.stopKeep();
    }
    // The database opens; every acknowledged report is there with its zip.
    const stored = await withDatabase(storage, (db) => rows<{ uid: string; zip_name: string }>(db, 'SELECT uid, zip_name FROM reports'));
    const byUid = new Map(stored.map((r) => [r.uid, r.zip_name]));
    for (const id of acknowledged) {
      const name = byUid.get(id);
      assert.ok(name, `report ${id} is stored`);
      assert.ok(fs.existsSync(path.join(storage, 'zips', name.slice(0, 2), name)), `zip of ${id}`);
    }
    assert.equal(stored.length, acknowledged.length, 'nothing refused was stored');
  });
});

describe('a chunked upload near the disk reserve (no Content-Length to judge by)', { skip: !canMount() && 'needs root to mount a tmpfs' }, () => {
  it('is counted once it has arrived and refused before anything is written', async (t) => {
    const { dir, storage } = await onTmpfs(t, 16, { minFreeMb: 8, alertRecipients: [] });
    const pult = await startPultSim({ dir });
    try {
      // About 15 MB free, a reserve of 8: a 10 MB report would leave 5 — it must be refused.
      const json = sampleReportJson('client-error') as Record<string, any>;
      json.id = randomUUID();
      json.additionalFiles = ['big.bin'];
      const zip = new JSZip();
      zip.file('report.json', JSON.stringify(json));
      zip.file('big.bin', randomBytes(10 * 1024 * 1024));
      const bytes = Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'STORE' }));
      const url = new URL(`${pult.base}/pushReport`);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/zip' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        for (let at = 0; at < bytes.length; at += 256 * 1024) req.write(bytes.subarray(at, at + 256 * 1024));
        req.end();
      });
      assert.equal(status, 503);
      assert.deepEqual(fs.readdirSync(path.join(storage, 'zips', 'incoming')), [], 'nothing written');
    } finally {
      await pult.stopKeep();
    }
  });
});
