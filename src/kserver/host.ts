import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseRu, problemsOf } from '../zod-ru';

/**
 * The properties the monitor puts on `global.KServerApi` (or, under the original
 * simulator, on `global.KodeksApi`). Methods are read separately by the API wrapper.
 */
const HostPropsSchema = z.object({
  Name: z.string().optional(),
  Route: z.string().optional(),
  Path: z.string().optional(),
  StoragePath: z.string().min(1, 'StoragePath не задан'),
  LogsPath: z.string().optional().nullable(),
  SocketPath: z.string().min(1, 'SocketPath не задан'),
  Info: z.record(z.string(), z.unknown()).optional(),
});

export type HostProps = z.infer<typeof HostPropsSchema> & {
  /** The URL segment the monitor forwards to us: `/<route>/…`. */
  route: string;
  /** Which global the host used: the current monitor or the original simulator. */
  flavour: 'KServerApi' | 'KodeksApi';
};

export class HostMissingError extends Error {
  override name = 'HostMissingError';
}

/** Finds the host object the monitor set before our main module ran. */
export function findHostObject(g: Record<string, unknown>): {
  api: Record<string, unknown>;
  flavour: HostProps['flavour'];
} {
  for (const flavour of ['KServerApi', 'KodeksApi'] as const) {
    const candidate = g[flavour];
    if (candidate && typeof candidate === 'object') {
      return { api: candidate as Record<string, unknown>, flavour };
    }
  }
  throw new HostMissingError(
    'pult запущен не монитором KServer: нет global.KServerApi (и global.KodeksApi)',
  );
}

/** Validates the host's properties and derives the route. */
export function readHostProps(api: Record<string, unknown>, flavour: HostProps['flavour']): HostProps {
  const parsed = parseRu(HostPropsSchema, api);
  if (!parsed.success) {
    throw new HostMissingError(`Монитор передал неполные данные плагину: ${problemsOf(parsed.error).join('; ')}`);
  }
  return { ...parsed.data, route: deriveRoute(parsed.data), flavour };
}

/**
 * `Route` is undocumented but set by the current monitor; otherwise the route is the
 * plugin's folder name (developer mode) or its file name without the extension.
 */
export function deriveRoute(props: { Route?: string; Path?: string; Name?: string }): string {
  if (props.Route) return props.Route.replace(/^\/+|\/+$/g, '');
  if (props.Path) {
    const base = path.basename(props.Path.replace(/[\\/]+$/, ''));
    if (isDirectory(props.Path)) return base;
    const ext = path.extname(base);
    return ext ? base.slice(0, -ext.length) : base;
  }
  if (props.Name) return props.Name;
  return 'pult';
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
