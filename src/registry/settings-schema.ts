import { z } from 'zod';
import { hasControlChars } from '../control-chars';

/**
 * What users edit on the settings page (the original's CONFIGS plus the texts), kept in
 * `<StoragePath>/settings.json`. Messages are Russian: the settings page shows them.
 */
/** Names and addresses reach mail headers: no line breaks or other control characters (control-chars.ts). */
const CONTROL_MESSAGE = 'содержит управляющие символы (перевод строки, табуляцию и т. п.)';

export const ConfigurationRuleSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'укажите имя конфигурации')
    .max(200, 'имя конфигурации длиннее 200 символов')
    .refine((s) => !hasControlChars(s), `имя конфигурации ${CONTROL_MESSAGE}`),
  versions: z
    .array(z.string().trim().max(100, 'версия длиннее 100 символов').refine((s) => !hasControlChars(s), `версия ${CONTROL_MESSAGE}`))
    .max(200, 'не больше 200 версий')
    .describe('Accepted version prefixes: [] accepts nothing, "" accepts every version'),
  recipients: z
    .array(
      z
        .string()
        .refine((s) => !hasControlChars(s), `адрес получателя ${CONTROL_MESSAGE}`)
        .pipe(z.email({ error: (i) => `«${String(i.input)}» — не адрес электронной почты` })),
    )
    .max(100, 'не больше 100 получателей')
    .describe('Who is told about new errors of this configuration'),
});

export const SettingsSchema = z.object({
  configurations: z
    .array(ConfigurationRuleSchema)
    .max(500)
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      for (const r of rules) {
        if (seen.has(r.name)) ctx.addIssue({ code: 'custom', message: `конфигурация «${r.name}» указана дважды` });
        seen.add(r.name);
      }
    })
    .default([])
    .describe('Accepted configurations, by metadata name (configInfo.name / getInfo configName)'),
  userMessage: z.string().max(2000, 'сообщение длиннее 2000 символов').default('').describe('Text getInfo shows to the 1C user in the error window'),
  dumpType: z
    .number({ error: 'тип дампа — целое число' })
    .int('тип дампа — целое число')
    .min(0, 'тип дампа не может быть отрицательным')
    .max(0xffff, 'слишком большой тип дампа')
    .default(0)
    .describe('getInfo dumpType: the <dump type> of logcfg.xml for crash dumps (0 = minimal)'),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type ConfigurationRule = z.infer<typeof ConfigurationRuleSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
