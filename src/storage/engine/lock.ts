/**
 * One store per data directory. Two writers appending to the same journal would corrupt
 * it, so a second open fails fast. In-process opens are tracked exactly, in a registry
 * shared by every copy of this module in the process (an updated plugin bundle loaded
 * next to the old one has its own copy); across processes a pid file is used, and a pid
 * that is dead, our own without a registry entry (a restart reused it), or written before
 * the last reboot (a power cut; the pid may now belong to anything) is stale.
 */
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StorageLockedError } from './errors';
import { isNotFound } from './fs-util';

const LOCK_FILE = 'pult.lock';
const REGISTRY = Symbol.for('pult.storage.engine.openDirs');
const openDirs: Set<string> = ((globalThis as Record<symbol, Set<string> | undefined>)[REGISTRY] ??= new Set());

export interface DirLock {
  release(): Promise<void>;
}

export async function lockDir(dir: string): Promise<DirLock> {
  const key = path.resolve(dir);
  if (openDirs.has(key)) throw new StorageLockedError(dir, process.pid);
  openDirs.add(key);
  const file = path.join(dir, LOCK_FILE);
  try {
    await takeFile(dir, file);
  } catch (err) {
    openDirs.delete(key);
    throw err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      openDirs.delete(key);
      await unlink(file).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
  };
}

async function takeFile(dir: string, file: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(`${process.pid}\n${BOOT_ID}\n`);
      await fh.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [pidLine = '', bootLine = ''] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    const pid = Number.parseInt(pidLine, 10);
    // A lock written before the last reboot is stale whatever now runs under its pid.
    const sameBoot = !BOOT_ID || !bootLine || bootLine.trim() === BOOT_ID;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && sameBoot && isAlive(pid)) {
      throw new StorageLockedError(dir, pid);
    }
    await unlink(file).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
  throw new StorageLockedError(dir, 0);
}

/** Linux's id of the current boot: tells a lock left by a power cut from a live one. */
const BOOT_ID = readBootId();

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return ''; // not Linux: pids alone decide, as before
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
