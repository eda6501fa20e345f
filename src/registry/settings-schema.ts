import { z } from 'zod';

/**
 * What users edit on the settings page (the original's CONFIGS plus the texts), kept in
 * `<StoragePath>/settings.json`. Messages are Russian: the settings page shows them.
 */
export const ConfigurationRuleSchema = z.object({
  name: z.string().trim().min(1, 'укажите имя конфигурации').max(200, 'имя конфигурации длиннее 200 символов'),
  versions: z
    .array(z.string().trim().max(100, 'версия длиннее 100 символов'))
    .max(200, 'не больше 200 версий')
    .describe('Accepted version prefixes: [] accepts nothing, "" accepts every version'),
  recipients: z
    .array(z.email({ error: (i) => `«${String(i.input)}» — не адрес электронной почты` }))
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
