/**
 * The one-time re-examination of stored reports for attached files (issue 15), at scale.
 *   node --import tsx test/bench/rescan-bench.ts [--reports 100000] [--attached-every 10]
 * Builds a database of N reports as the previous main stored them (every report "without
 * files", groupable), each with a real zip on disk: every K-th one the compile-error sample
 * whose attached file is not listed, the rest the client-error sample. Then runs the
 * background pass the upgrade starts and prints its time, how many it marked, and the
 * longest event-loop stall while it ran.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ReportSchema } from '../../src/intake/report-schema';
import { AttachmentRescan } from '../../src/registry/attachments-rescan';
import { errorKeyOf } from '../../src/registry/error-key';
import { factsOf } from '../../src/registry/report-facts';
import { openStore } from '../../src/storage/engine';
import { MIGRATIONS } from '../../src/storage/migrations';
import { insertError, insertReport } from '../../src/storage/registry-repo';
import { run } from '../../src/storage/sql';
import { ZipStore } from '../../src/storage/zip-store';
import { parseArgs } from './args';
import { sampleReport, sampleReportJson } from '../helpers/samples';

const args = parseArgs(process.argv.slice(2));
const N = Number(args.reports ?? 100_000);
const EVERY = Number(args['attached-every'] ?? 10);
const silent = { info() {}, warn() {}, error() {} } as never;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pult-rescan-'));
  try {
    const store = await openStore({ dir: path.join(dir, 'db'), migrations: MIGRATIONS, log: () => {} });
    const zips = new ZipStore(path.join(dir, 'zips'));
    const plain = sampleReport('client-error');
    const attached = sampleReport('compile-error-attached');
    const t0 = Date.now();
    const report = ReportSchema.parse(sampleReportJson('client-error'));
    const facts = factsOf(report, new Date(), ['report.json']);
    await store.write((db) => {
      const errorId = insertError(db, errorKeyOf(report), new Date().toISOString());
      for (let i = 0; i < N; i++) {
        const zipName = `${i.toString(16).padStart(32, '0')}.zip`;
        const file = path.join(dir, 'zips', zipName.slice(0, 2), zipName);
        if (i % 4096 === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, i % EVERY === 0 ? attached : plain);
        // As the previous main stored them: "no files", groupable (one per computer).
        insertReport(db, { errorId, facts: { ...facts, uid: undefined, clientId: `pc-${i}` }, groupable: true, ip: undefined, receivedAt: new Date().toISOString(), zipName, zipSize: plain.length });
      }
      // The database is already at the newest schema: ask for the pass as migration 3 does.
      run(db, `INSERT OR REPLACE INTO meta (key, value) VALUES ('rescan_attachments_after', '0')`);
    });
    const built = Date.now() - t0;

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const rescan = new AttachmentRescan({ store, zips, log: silent, maxReportJsonBytes: 2 * 1024 * 1024 });
    const result = await rescan.start();
    delay.disable();
    await store.close();
    console.log(`machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, node ${process.version}`);
    console.log(`built ${N} reports with zips in ${(built / 1000).toFixed(1)} s`);
    console.log(`rescan: checked ${result?.checked}, marked ${result?.marked} in ${((result?.ms ?? 0) / 1000).toFixed(1)} s; longest loop stall ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
