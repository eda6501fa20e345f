/**
 * Builds a real pult database for the intake benchmark: pult's migrations, then rows written
 * by pult's own repository functions (so they are what intake would have written: the
 * errors' problems, their sets of computers and users, the per-day counters), in one
 * transaction of sql.js's release build, exported once. Not measured, and much faster than
 * sending the reports. The rows' zips are not written: nothing in intake reads them.
 */
import type { Database } from 'sql.js';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ReportSchema } from '../../src/intake/report-schema';
import { errorKeyOf } from '../../src/registry/error-key';
import { factsOf } from '../../src/registry/report-facts';
import { MIGRATIONS } from '../../src/storage/migrations';
import { addsComputerToday, dayNumber, dayOf } from '../../src/registry/days';
import { countInProblem } from '../../src/registry/problem-intake';
import { problemKeyOf } from '../../src/registry/problem-key';
import { indexNextErrors, indexNextReports, mergeSearchSegments, SHARD_SIZE } from '../../src/storage/search-repo';
import { ERRORS_PER_BATCH, REPORTS_PER_BATCH } from '../../src/registry/deferred-indexes';
import { countDay, findComputerReport, countReport, insertError, insertReport, rememberUid } from '../../src/storage/registry-repo';
import { prefilledClient, reportJson, reportsOfError } from './intake-data';

const T0 = Date.UTC(2025, 0, 1);

/**
 * Runs `checkout`'s own prefill (its test/bench/intake-prefill.ts) into `dbDir`, in a process
 * of its own: its schema, its rows — an older pult refuses a newer database.
 */
export function prefillWith(checkout: string, dbDir: string, errors: number, reports: number): void {
  const script = `require(${JSON.stringify(path.join(checkout, 'test', 'bench', 'intake-prefill.ts'))})
    .prefillDatabase(${JSON.stringify(dbDir)}, ${errors}, ${reports}).catch((e) => { console.error(e); process.exitCode = 1; });`;
  execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: checkout, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Writes `<dbDir>/pult.sqlite` with `errors` errors and `reports` reports; returns its size. */
export async function prefillDatabase(dbDir: string, errors: number, reports: number): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const SQL = await (require('sql.js') as typeof import('sql.js'))();
  const db = new SQL.Database();
  db.run('PRAGMA journal_mode = OFF');
  db.run('PRAGMA cache_size = -262144');
  db.run('BEGIN');
  for (const m of MIGRATIONS) m.up(db);
  db.run(`PRAGMA user_version = ${MIGRATIONS[MIGRATIONS.length - 1]!.version}`);
  const span = 300 * 86_400_000; // the reports arrived over the last ten months
  let written = 0;
  for (let e = 0; e < errors; e++) {
    const count = reportsOfError(e, errors, reports);
    const firstAt = T0 + Math.floor((e / errors) * span);
    const report = ReportSchema.parse(reportJson({ error: e, uid: randomUUID(), clientId: prefilledClient(e, 0), time: new Date(firstAt).toISOString() }));
    const key = errorKeyOf(report);
    const facts = factsOf(report, new Date(firstAt), ['report.json']);
    const first = new Date(firstAt).toISOString();
    const errorId = insertError(db, key, first);
    const problemKey = problemKeyOf(key);
    let problemId: number | undefined;
    for (let r = 0; r < count; r++) {
      const at = new Date(firstAt + Math.floor(((written + r) / reports) * 86_400_000)).toISOString();
      const uid = randomUUID();
      const clientId = prefilledClient(e, r);
      const newComputer = !findComputerReport(db, errorId, clientId).seen;
      const reportId = insertReport(db, {
        errorId,
        day: dayNumber(at),
        facts: { ...facts, uid, clientId, time: at, userDescription: r % 4 === 0 ? facts.userDescription : undefined },
        groupable: true,
        ip: `10.0.${r % 250}.${e % 250}`,
        receivedAt: at,
        zipName: uid.replaceAll('-', '') + '.zip',
        zipSize: 20_000 + (r % 40_000),
      });
      rememberUid(db, uid, reportId);
      countReport(db, errorId, at, newComputer);
      countDay(db, errorId, dayOf(at), addsComputerToday(dayNumber(at), newComputer, undefined));
      problemId = countInProblem(db, {
        errorId,
        problemId,
        linked: problemId !== undefined,
        problemKey: () => problemKey,
        key,
        clientId,
        userName: facts.userName,
        stored: true,
        newComputer,
        time: at,
      }).problemId;
    }
    written += count;
  }
  // What the plugin's batches (registry/deferred-indexes.ts) write a moment after intake,
  // and the merging of the search index its timer does meanwhile (levels kept below 8
  // segments: a running pult's index, not one with levels about to be merged in one go).
  // The full shards at once: intake never adds to them again, so their segments' levels do
  // not matter. The newest shard, which the measured reports join, as the batches built it:
  // indexed all at once it was one big segment on level 0, and every eighth batch of the
  // benchmark merged it again with seven small ones (1.5–3× the merging of a running pult).
  // The errors' texts the same way (migration 25), in the batches' size for errors.
  const asBatches = (rows: number, indexNext: (db: Database, limit: number) => number, perBatch: number) => {
    const newestShard = Math.floor(rows / SHARD_SIZE) * SHARD_SIZE;
    if (newestShard > 1) indexNext(db, newestShard - 1);
    while (indexNext(db, perBatch) > 0) while (mergeSearchSegments(db, performance.now() + 60_000));
  };
  asBatches(errors, indexNextErrors, ERRORS_PER_BATCH);
  asBatches(written, indexNextReports, REPORTS_PER_BATCH);
  while (mergeSearchSegments(db, performance.now() + 60_000));
  db.run('COMMIT');
  const bytes = db.export();
  db.close();
  fs.mkdirSync(dbDir, { recursive: true });
  fs.writeFileSync(path.join(dbDir, 'pult.sqlite'), bytes);
  return { bytes: bytes.length, ms: performance.now() - started };
}

/**
 * A key for caching prefilled databases between runs: changes whenever the schema, the
 * repository SQL, the report definition or this file changes.
 */
export function prefillCacheKey(errors: number, reports: number): string {
  const files = ['src/storage/migrations.ts', 'src/storage/migration-compact-reports.ts', 'src/storage/compact-values.ts', 'src/storage/report-envs-repo.ts', 'src/storage/registry-repo.ts', 'src/registry/error-key.ts', 'src/registry/report-facts.ts', 'src/registry/problem-intake.ts', 'src/registry/problem-key.ts', 'src/storage/problems-repo.ts', 'src/storage/search-repo.ts', 'src/registry/days.ts', 'test/bench/intake-data.ts', 'test/bench/intake-prefill.ts'];
  const h = createHash('sha256').update(`${errors}/${reports}`);
  for (const f of files) h.update(fs.readFileSync(path.join(__dirname, '..', '..', f)));
  return h.digest('hex').slice(0, 16);
}
