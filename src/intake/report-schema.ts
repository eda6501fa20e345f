import { z } from 'zod';

/**
 * report.json as the 1C platform writes it (1c-protocol.md). Strict where the unique-error
 * key and the duplicate rule depend on a value; liberal elsewhere: a display field of the
 * wrong type is dropped, unknown keys are ignored (they stay in the stored zip).
 */
const text = z.string().optional().catch(undefined);
const flag = z.boolean().optional().catch(undefined);
const loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).loose().optional().catch(undefined);

const ExtensionSchema = z.tuple([z.string(), z.string()]).rest(z.unknown());

const ErrorItemSchema = z
  .tuple([z.string()])
  .rest(z.unknown())
  .transform(([message, categories]) => ({
    text: message,
    categories: Array.isArray(categories) ? categories.filter((c): c is string => typeof c === 'string') : [],
  }));

export const ReportSchema = z
  .object({
    time: text,
    id: z.string().max(200).optional().catch(undefined),
    clientInfo: loose({
      platformType: text,
      appVersion: text,
      appName: text,
      systemInfo: loose({
        clientID: z.string().max(200).optional().catch(undefined),
        osVersion: text,
        processor: text,
        fullRAM: z.number().optional().catch(undefined),
        freeRAM: z.number().optional().catch(undefined),
        useragent: text,
      }),
    }),
    sessionInfo: loose({
      userName: text,
      dataSeparation: text,
      localeCode: text,
    }),
    serverInfo: loose({ type: text, appVersion: text, dbms: text }),
    configInfo: z
      .object(
        {
          name: z.string({ error: 'configInfo.name должен быть строкой' }).min(1, 'configInfo.name пуст'),
          version: z.string({ error: 'configInfo.version должен быть строкой' }),
          description: text,
          changeEnabled: flag,
          extentions: z.array(ExtensionSchema, { error: 'configInfo.extentions должен быть списком пар [имя, хеш]' }).optional(),
        },
        { error: 'в отчёте нет configInfo (сведений о конфигурации)' },
      )
      .loose(),
    errorInfo: z
      .object({
        userDescription: text,
        systemErrorInfo: loose({ systemCrash: flag }),
        applicationErrorInfo: z
          .object({
            errors: z.array(ErrorItemSchema, { error: 'applicationErrorInfo.errors должен быть списком [текст, [категории]]' }),
            stackHash: z.string({ error: 'applicationErrorInfo.stackHash должен быть строкой' }).optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    additionalInfo: text,
    screenshot: loose({ file: text }),
    additionalFiles: z.array(z.unknown()).optional().catch(undefined),
    dump: loose({ type: z.unknown(), file: text }),
  })
  .loose();

export type Report = z.infer<typeof ReportSchema>;
