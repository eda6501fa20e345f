// Socket names for plugins. The real monitor's naming is not public; ours is
// `<runDir>/<route>.<generation>.sock` (a named pipe on Windows). A fresh name per start means a
// restarted plugin never meets its predecessor's socket; unix socket paths must stay under
// ~100 characters, hence a short runDir and a hashed route when needed.
import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

const MAX_UNIX_PATH = 100;

export function socketPathFor(runDir: string, route: string, generation: number): string {
  let name = route.replace(/[^A-Za-z0-9_-]/g, '_');
  if (name !== route || name.length > 40) name = `${name.slice(0, 20)}-${hash(route)}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\kserver-sim-${hash(runDir)}-${name}.${generation}`;
  const full = path.join(runDir, `${name}.${generation}.sock`);
  if (full.length >= MAX_UNIX_PATH) {
    throw new Error(`socket path too long (${full.length} chars): ${full}; set a shorter runDir`);
  }
  return full;
}

/** Removes a socket file left by an earlier run. */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  if (process.platform === 'win32') return;
  await unlink(socketPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** True when something accepts a connection on the socket right now. */
export function socketAccepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect({ path: socketPath });
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}
