// The wire between the simulator and a plugin process (node's fork IPC channel, JSON
// serialisation). Shared by the simulator and the bootstrap, so it must stay free of imports
// that pull simulator code into the plugin process.

import { KSERVER_METHODS } from '../../src/kserver/methods';

/** Every KServerApi method the simulator can offer (the monitor's contract, one list for both sides); config `methods` picks a subset. */
export const API_METHODS = KSERVER_METHODS;

export type ApiMethod = (typeof API_METHODS)[number];

/** Plugin → simulator: call a KServerApi method. */
export interface CallMessage {
  type: 'call';
  id: number | string;
  method: string;
  args: unknown[];
}

/** Simulator → plugin: the outcome of a call. */
export type ResultMessage =
  | { type: 'result'; id: number | string; ok: true; value: unknown }
  | { type: 'result'; id: number | string; ok: false; error: { message: string } };

/** Simulator → plugin: run global.onShutdown (at most timeoutMs), then exit. */
export interface ShutdownMessage {
  type: 'shutdown';
  timeoutMs: number;
}

/** Plugin → simulator: onShutdown finished (or failed, or ran out of time); exit follows. */
export interface ShutdownDoneMessage {
  type: 'shutdown-done';
  ok: boolean;
  timedOut?: boolean;
  error?: string;
}

/**
 * What a request object becomes on the wire: objects cannot cross IPC, so the bootstrap
 * keeps only what KServer would read from a request.
 */
export interface RequestSessionRef {
  $kserverRequest: true;
  session?: number;
  ip?: string;
}

export function isRequestSessionRef(value: unknown): value is RequestSessionRef {
  return typeof value === 'object' && value !== null && (value as RequestSessionRef).$kserverRequest === true;
}

/** Everything the bootstrap needs before the plugin's main runs (passed in BOOT_ENV). */
export interface BootInfo {
  Name: string;
  Route: string;
  Path: string;
  StoragePath: string;
  LogsPath?: string;
  SocketPath: string;
  Info: unknown;
  /** Absolute path of the module to require. */
  main: string;
  methods: ApiMethod[];
  legacyJsonResults: boolean;
  /** Time limit for onShutdown when the monitor goes away without asking. */
  shutdownTimeoutMs: number;
}

export const BOOT_ENV = 'KSERVER_SIM_BOOT';

/** The header the monitor adds with the client's address. */
export const REMOTE_ADDR_HEADER = 'x-kodeks-monitor-remote-addr';
