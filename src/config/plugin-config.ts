import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseRu, problemsOf } from '../zod-ru';

/**
 * pult's own configuration (not the acceptance rules, which users edit on the settings
 * page). Defaults ← the "pult" section of package.json ← `<StoragePath>/pult.config.json`.
 */
export const PluginConfigSchema = z.object({
  features: z
    .object({
      read: z.number().int().positive().describe('Licensed feature id a KServer user needs to read the s/ pages (CheckAccess, takes a seat)'),
      admin: z.number().int().positive().describe('Licensed feature id needed to edit settings and clear data (PickPermissions, takes no seat)'),
    })
    .describe('KServer feature ids guarding the s/ area'),
  loginUrl: z
    .string()
    .max(2000)
    .regex(/^(\/|https?:\/\/)[^\s<>"]*$/, 'адрес страницы входа: путь от корня сервера (/…) или http(s)://…')
    .optional()
    .describe('Where the 403 page sends a visitor who is not logged in; {next} becomes the URL-encoded address of the pult page. Absent: the KServer start page (/)'),
  accessCacheSeconds: z.number().int().min(0).max(3600).default(60).describe('How long a granted CheckAccess answer is reused for the same session'),
  kserverTimeoutMs: z.number().int().min(100).max(120_000).default(5000).describe('Longest wait for one call of the monitor API'),
  shutdownGraceMs: z.number().int().min(0).max(120_000).default(8000).describe('How long shutdown waits for requests in flight'),
  notices: z
    .object({
      batchSeconds: z.number().min(0).max(3600).default(10).describe('A new error waits this long for others, so a burst becomes one mail per configuration'),
      retrySeconds: z.number().min(1).max(86_400).default(60).describe('First retry after a failed SendMail; doubles each time'),
      maxRetrySeconds: z.number().min(1).max(86_400).default(3600).describe('Longest wait between retries'),
      minIntervalSeconds: z.number().min(0).max(86_400).default(300).describe('At most one mail per configuration in this time; later new errors join the next mail'),
    })
    .prefault({})
    .describe('New-error notices'),
  limits: z
    .object({
      requestBytes: z.number().int().min(1024).default(64 * 1024 * 1024).describe('Largest pushReport body accepted, bytes'),
      reportJsonBytes: z.number().int().min(1024).default(2 * 1024 * 1024).describe('Largest inflated report.json accepted, bytes'),
      jsonBodyBytes: z.number().int().min(1024).default(256 * 1024).describe('Largest getInfo body and form body accepted, bytes'),
      inFlightBytes: z.number().int().min(1024 * 1024).default(256 * 1024 * 1024).describe('Report bytes held in memory at once, all requests together; beyond it pushReport answers 503'),
      bodyMinBytesPerSecond: z
        .number()
        .int()
        .min(1)
        .default(4096)
        .describe('getInfo and pushReport bodies must arrive at least this fast on average (judged after 5 s); slower ones are cut off with 408'),
      bodySeconds: z.number().min(1).max(3600).default(300).describe('Longest time for one getInfo or pushReport body; longer ones are cut off with 408'),
      uploadsPerAddress: z
        .number()
        .int()
        .min(1)
        .default(8)
        .describe('getInfo and pushReport requests in progress at once from one client address; beyond it they answer 429'),
    })
    .prefault({})
    .describe('Bounds on untrusted input'),
});

export type PluginConfig = z.infer<typeof PluginConfigSchema>;

export const CONFIG_FILE_NAME = 'pult.config.json';

/** A configuration that cannot be used; `problems` are in Russian for the administrator. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Ошибка конфигурации pult: ${problems.join('; ')}`);
  }
}

/** Merges the sources and validates the result once, at start. */
export function loadPluginConfig(packageInfo: Record<string, unknown> | undefined, storagePath: string): PluginConfig {
  const fromPackage = (packageInfo?.pult ?? {}) as Record<string, unknown>;
  const file = path.join(storagePath, CONFIG_FILE_NAME);
  let fromFile: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      fromFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`${file}: не читается как JSON (${(err as Error).message})`]);
    }
  }
  const merged = deepMerge(fromPackage, fromFile);
  const parsed = parseRu(PluginConfigSchema, merged);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return parsed.data;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
