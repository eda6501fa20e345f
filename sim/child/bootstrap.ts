// Runs first in every plugin process (compiled to plain CommonJS, no tsx): sets
// global.KServerApi and global.pickKServerInfo synchronously, then requires the plugin's main.
// Method calls go to the simulator over the fork IPC channel.
import Module from 'node:module';
import { sessionFromCookieHeader } from '../shared/cookie';
import {
  BOOT_ENV,
  REMOTE_ADDR_HEADER,
  type BootInfo,
  type CallMessage,
  type RequestSessionRef,
  type ResultMessage,
  type ShutdownDoneMessage,
} from '../shared/protocol';

const boot = JSON.parse(process.env[BOOT_ENV] ?? 'null') as BootInfo | null;
if (!boot) throw new Error(`${BOOT_ENV} is not set: this file is started by the KServer simulator`);
delete process.env[BOOT_ENV];

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
const pending = new Map<number, Pending>();
let nextId = 1;
let shuttingDown = false;

// The channel must not keep the plugin alive on its own (under the real monitor a plugin with
// nothing to do ends), but it must while a call is waiting for its answer.
function holdChannelWhileBusy(): void {
  if (pending.size > 0) process.channel?.ref();
  else process.channel?.unref();
}

function settle(id: number, outcome: { value: unknown } | { error: Error }): void {
  const call = pending.get(id);
  if (!call) return;
  pending.delete(id);
  holdChannelWhileBusy();
  if ('error' in outcome) call.reject(outcome.error);
  else call.resolve(boot!.legacyJsonResults ? JSON.stringify(outcome.value) : outcome.value);
}

function call(method: string, args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (!process.connected || !process.send) {
      reject(new Error(`KServerApi.${method}: the connection to the monitor is closed`));
      return;
    }
    const id = nextId++;
    pending.set(id, { resolve, reject });
    holdChannelWhileBusy();
    const fail = (err: unknown) =>
      settle(id, { error: new Error(`KServerApi.${method}: ${err instanceof Error ? err.message : String(err)}`) });
    try {
      const message: CallMessage = { type: 'call', id, method, args: args.map(toWire) };
      process.send(message, undefined, undefined, (err) => err && fail(err));
    } catch (err) {
      fail(err);
    }
  });
}

/** A request object (IncomingMessage, or anything with headers) becomes {session, ip}. */
function toWire(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return arg;
  const req = arg as { headers?: unknown; KServer?: { session?: unknown } };
  if (typeof req.headers !== 'object' || req.headers === null) return arg;
  const headers = req.headers as Record<string, unknown>;
  const fromPick = req.KServer?.session;
  const session = typeof fromPick === 'number' ? fromPick : sessionFromCookieHeader(headers.cookie);
  const ip = headers[REMOTE_ADDR_HEADER];
  const ref: RequestSessionRef = { $kserverRequest: true };
  if (session !== undefined) ref.session = session;
  if (typeof ip === 'string') ref.ip = ip;
  return ref;
}

/** Calls global.onShutdown (within the limit), tells the simulator, exits with code 0. */
async function shutdown(timeoutMs: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  let report: ShutdownDoneMessage = { type: 'shutdown-done', ok: true };
  const hook = (globalThis as { onShutdown?: unknown }).onShutdown;
  if (typeof hook === 'function') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => hook()).then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') report = { type: 'shutdown-done', ok: false, timedOut: true };
    } catch (err) {
      report = { type: 'shutdown-done', ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
  const exit = () => process.exit(0);
  if (process.connected && process.send) {
    process.send(report, undefined, undefined, exit);
    setTimeout(exit, 500).unref();
  } else exit();
}

process.on('message', (message: ResultMessage | { type: 'shutdown'; timeoutMs: number }) => {
  if (message?.type === 'result' && typeof message.id === 'number') {
    settle(message.id, message.ok ? { value: message.value } : { error: new Error(message.error.message) });
  } else if (message?.type === 'shutdown') {
    void shutdown(message.timeoutMs);
  }
});

// The monitor went away without asking: answer pending calls and end like on a stop, so no
// orphan keeps the socket.
process.on('disconnect', () => {
  for (const id of [...pending.keys()]) settle(id, { error: new Error('KServerApi: the connection to the monitor is lost') });
  void shutdown(boot.shutdownTimeoutMs);
});
holdChannelWhileBusy();

const api: Record<string, unknown> = {
  Name: boot.Name,
  Route: boot.Route,
  Path: boot.Path,
  StoragePath: boot.StoragePath,
  ...(boot.LogsPath === undefined ? {} : { LogsPath: boot.LogsPath }),
  SocketPath: boot.SocketPath,
  Info: boot.Info,
};
for (const method of boot.methods) api[method] = (...args: unknown[]) => call(method, args);

const globals = globalThis as Record<string, unknown>;
globals.KServerApi = api;
globals.pickKServerInfo = (req: { headers?: Record<string, unknown>; KServer?: unknown }) => {
  req.KServer = { session: sessionFromCookieHeader(req?.headers?.cookie) };
  return req;
};

// The plugin's main becomes the process's entry point, as if started as `node <main>`:
// require.main === module holds inside it.
process.argv[1] = boot.main;
(Module as unknown as { runMain(main?: string): void }).runMain(boot.main);
