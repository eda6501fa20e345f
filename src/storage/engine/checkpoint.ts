/**
 * Checkpoint: brings pult.sqlite up to date by writing captured byte ranges in place,
 * then deletes the journal generations they came from. The pages are written by a worker
 * thread, the rest on the libuv thread pool: the event loop only hands work over. A crash at
 * any step is repaired by replaying the journals, which still exist until the file is durable.
 */
import fs from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
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
  /** The page writer's source instead of WRITER_SOURCE (one that cannot start, say). */
  writerSource?: string;
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
    await writePages(fh.fd, plan.runs, signal, hooks.writerSource);
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

/**
 * The pages' writes in place run in a worker thread, in batches: at 1M reports a checkpoint
 * writes some 8000 scattered pages, and one asynchronous write each cost the event loop 16 µs
 * or more apiece (a thread-pool request, its callback, and on two cores the pool's lock) —
 * 5–6 % of intake's main thread. Here the loop copies each batch once into a buffer it shares
 * with the worker, and the worker writes it with plain positional writes.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Below this, the pages go through the thread pool (see writePages). */
const WORKER_MIN_BYTES = 1024 * 1024;
/** Batches handed over before the first is written: the copy of the next overlaps the writes. */
const BATCHES_AHEAD = 2;

const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let failed = false;
parentPort.on('message', ({ fd, buffer, offsets, lengths }) => {
  if (failed) return parentPort.postMessage({ message: 'не записано после ошибки' });
  const bytes = new Uint8Array(buffer); // shared: the loop fills it again only after this reply
  try {
    let at = 0;
    for (let i = 0; i < offsets.length; i++) {
      const len = lengths[i];
      for (let done = 0; done < len; ) done += writeSync(fd, bytes, at + done, len - done, offsets[i] + done);
      at += len;
    }
    parentPort.postMessage({});
  } catch (err) {
    failed = true;
    parentPort.postMessage({ message: String(err && err.message), code: err && err.code });
  }
});`;

/** The worker's answer to a batch: nothing, or why it was not written. */
interface WriterReply {
  message?: string;
  code?: string;
}

/** The worker thread could not start or died before its first answer: nothing says it wrote. */
class WriterUnavailableError extends Error {}

/** Set once a page writer could not start in this process: later checkpoints go straight to the pool. */
let poolOnly = false;

/**
 * Writes the pages by the worker; where none can start (a host that forbids threads), by the
 * thread pool, as before. Writing a page twice is harmless: the same bytes go to the same place.
 */
async function writePages(fd: number, runs: Run[], signal: AbortSignal, source?: string): Promise<void> {
  // A small checkpoint (a young database, the last one at shutdown) costs the pool a few ms:
  // less than starting a thread for it.
  let bytes = 0;
  for (const run of runs) bytes += run.length;
  if ((!poolOnly && bytes >= WORKER_MIN_BYTES) || source !== undefined) {
    try {
      return await writeRuns(fd, runs, signal, source ?? WRITER_SOURCE);
    } catch (err) {
      if (!(err instanceof WriterUnavailableError)) throw err;
      if (source === undefined) poolOnly = true;
    }
  }
  await writeRunsInPool(fd, runs, signal);
}

async function writeRuns(fd: number, runs: Run[], signal: AbortSignal, source: string): Promise<void> {
  if (runs.length === 0) return;
  let worker: Worker;
  try {
    worker = new Worker(source, { eval: true });
  } catch (err) {
    throw new WriterUnavailableError(`поток записи контрольной точки не запустился: ${(err as Error).message}`);
  }
  worker.unref();
  // Each batch handed over resolves with its error, or undefined once written.
  const replies: Array<(err: Error | undefined) => void> = [];
  let answered = false;
  let finished = false;
  worker.on('message', (r: WriterReply) => {
    answered = true;
    replies.shift()?.(r.message === undefined ? undefined : Object.assign(new Error(r.message), r.code ? { code: r.code } : {}));
  });
  // The thread itself failed: every batch still out gets that error.
  let broken: Error | undefined;
  const fail = (err: Error): void => {
    if (finished) return; // the exit that terminate() below asks for
    broken ??= answered ? err : new WriterUnavailableError(`поток записи контрольной точки не запустился: ${err.message}`);
    for (const reply of replies.splice(0)) reply(broken);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`поток записи контрольной точки завершился (код ${code})`)));
  const pending: Array<Promise<Error | undefined>> = [];
  let failure: Error | undefined;
  const settle = async (): Promise<void> => {
    const err = await pending.shift()!; // (not inside ??=, which would skip the shift once failed)
    failure ??= err;
  };
  // Shared, and reused batch after batch: fresh buffers cost the loop more in page faults
  // than the copy itself (2 ms per MB measured at 1M reports, against 0.1 for the copy).
  const buffers = Array.from({ length: BATCHES_AHEAD }, () => new SharedArrayBuffer(BATCH_BYTES));
  try {
    for (const batch of batches(runs, buffers)) {
      if (failure || broken || signal.aborted) break;
      pending.push(new Promise<Error | undefined>((resolve) => replies.push(resolve)));
      worker.postMessage({ fd, ...batch });
      if (pending.length >= BATCHES_AHEAD) await settle();
    }
    // Every batch handed over is written or refused before the caller may close the
    // descriptor: a write through a closed (and reused) number would land in another file.
    while (pending.length > 0) await settle();
  } finally {
    finished = true;
    await worker.terminate();
  }
  const err = failure ?? broken;
  if (err) throw err;
  signal.throwIfAborted();
}

/**
 * The runs in batches of at most BATCH_BYTES: their bytes laid end to end in the next of the
 * `buffers` (the caller has the batch written that used it before), and where each goes. A run
 * longer than a buffer gets one of its own.
 */
function* batches(
  runs: Run[],
  buffers: SharedArrayBuffer[],
): Generator<{ buffer: SharedArrayBuffer; offsets: Float64Array; lengths: Float64Array }> {
  let first = 0;
  for (let n = 0; first < runs.length; n++) {
    let end = first;
    let total = 0;
    while (end < runs.length && (end === first || total + runs[end]!.length <= BATCH_BYTES)) total += runs[end++]!.length;
    const buffer = total <= BATCH_BYTES ? buffers[n % buffers.length]! : new SharedArrayBuffer(total);
    const bytes = new Uint8Array(buffer);
    const offsets = new Float64Array(end - first);
    const lengths = new Float64Array(end - first);
    let at = 0;
    for (let i = first; i < end; i++) {
      const run = runs[i]!;
      offsets[i - first] = run.offset;
      lengths[i - first] = run.length;
      for (const chunk of run.chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
    }
    yield { buffer, offsets, lengths };
    first = end;
  }
}

// The fallback: page runs through the thread pool, by the plain descriptor (the handle stays
// open around them; a FileHandle's promise bookkeeping doubled the main-thread time of each call).
const writev = promisify(fs.writev);

async function writeRunsInPool(fd: number, runs: Run[], signal: AbortSignal): Promise<void> {
  let next = 0;
  let failed = false;
  const writer = async (): Promise<void> => {
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
  // Every writer settles before the caller closes the handle: a write through a closed (and
  // reused) descriptor number would land in another file.
  const stopOthers = (err: unknown) => {
    failed = true;
    throw err;
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL_WRITES, runs.length) }, () => writer().catch(stopOthers)));
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
