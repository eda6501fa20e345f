import { z } from 'zod';

/**
 * The getInfo body (1c-protocol.md). Only configName is required; the later optional keys
 * are tolerated, unknown keys ignored. `ErrorCategories` is matched case-insensitively.
 */
export const GetInfoSchema = z
  .object({
    configName: z.string({ error: 'нет configName (имени конфигурации)' }).min(1, 'configName пуст'),
    configVersion: z.string().optional().catch(undefined),
    configHash: z.string().optional().catch(undefined),
    appStackHash: z.string().optional().catch(undefined),
    clientStackHash: z.string().optional().catch(undefined),
    platformType: z.string().optional().catch(undefined),
    appName: z.string().optional().catch(undefined),
    appVersion: z.string().optional().catch(undefined),
    clientID: z.string().optional().catch(undefined),
    reportID: z.string().optional().catch(undefined),
    systemCrash: z.boolean().optional().catch(undefined),
  })
  .loose()
  .transform((body) => ({ ...body, errorCategories: findCategories(body) }));

export type GetInfoRequest = z.infer<typeof GetInfoSchema>;

function findCategories(body: Record<string, unknown>): string[] {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'errorcategories');
  const v = key ? body[key] : undefined;
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : [];
}

export interface GetInfoAnswer {
  needSendReport: boolean;
  userMessage?: string;
  dumpType?: number;
}
