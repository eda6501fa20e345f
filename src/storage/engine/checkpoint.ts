/**
 * Checkpoint: brings pult.sqlite up to date by writing captured byte ranges in place,
 * then deletes the journal generations they came from. Runs on the libuv thread pool;
 * the event loop only schedules writes. A crash at any step is repaired by replaying the
 * journals, which still exist until the file is durable.
 */
import fs from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DB_FILE } from './journal-file';
import { fsyncDir, isNotFound } from './fs-util';
import type { Run } from './page-map';

export interface CheckpointPlan {
  runs: Run[];
  /** Truncate to this first: the file was this small at some point. */
  minSize: number;
  /** Final file size. */
  size: number;
}

/** A generation's pages, frozen for a checkpoint (DiskFile.retire): what it writes in place. */
export interface RetiredPages {
  plan: CheckpointPlan;
  /** Called once the plan is durable in pult.sqlite: its pages leave memory, reads go to the file. */
  settle: () => void;
}

export interface CheckpointJob extends RetiredPages {
  /** Journal files whose content the plan covers, oldest first. */
  journals: string[];
}

/** Fault injection for tests. */
export interface CheckpointHooks {
  /** Runs after pult.sqlite was cut to the plan's smallest size, before any page is written. */
  beforeWrites?: () => void | Promise<void>;
  /** Runs after pult.sqlite is durable, before journals go. */
  afterDbSynced?: () => void | Promise<void>;
}

const PARALLEL_WRITES = 4;

export async function runCheckpoint(
  dir: string,
  job: CheckpointJob,
  signal: AbortSignal,
  hooks: CheckpointHooks = {},
): Promise<void> {
  const file = path.join(dir, DB_FILE);
  let created = false;
  let fh: FileHandle;
  try {
    fh = await open(file, 'r+');
  } catch (err) {
    if (!isNotFound(err)) throw err;
    fh = await open(file, 'w+');
    created = true;
  }
  try {
    const { plan } = job;
    if (plan.minSize < (await fh.stat()).size) await fh.truncate(plan.minSize);
    await hooks.beforeWrites?.();
    await writeRuns(fh.fd, plan.runs, signal);
    signal.throwIfAborted();
    await fh.truncate(plan.size);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  if (created) await fsyncDir(dir);
  await hooks.afterDbSynced?.();
  // Oldest first, each deletion durable before the next: replaying an older generation
  // on top of a newer checkpoint would bring old pages back.
  for (const journal of job.journals) {
    signal.throwIfAborted();
    await unlink(journal).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await fsyncDir(dir);
  }
}

// Page runs go through the plain descriptor (the handle stays open around them): a checkpoint
// writes thousands of runs, and a FileHandle's promise bookkeeping doubles the main-thread
// time of each call.
const writev = promisify(fs.writev);

async function writeRuns(fd: number, runs: Run[], signal: AbortSignal): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < runs.length) {
      signal.throwIfAborted();
      const run = runs[next++]!;
      let position = run.offset;
      let chunks = run.chunks;
      while (chunks.length > 0) {
        const { bytesWritten } = await writev(fd, chunks, position);
        position += bytesWritten;
        chunks = skip(chunks, bytesWritten);
      }
    }
  };
  // Every worker settles before the caller closes the handle: a write through a closed (and
  // reused) descriptor number would land in another file.
  const stopOthers = (err: unknown) => {
    failed = true;
    throw err;
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL_WRITES, runs.length) }, () => worker().catch(stopOthers)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Drops the first `n` bytes of a chunk list (after a short write). */
function skip(chunks: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (i < chunks.length && n >= chunks[i]!.length) n -= chunks[i++]!.length;
  if (i === chunks.length) return [];
  return [chunks[i]!.subarray(n), ...chunks.slice(i + 1)];
}
