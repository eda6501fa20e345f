import { z } from 'zod';
import { hasControlChars } from '../control-chars';
import { ANSWER_DEFAULTS, answerTemplate } from './answer-template';
import { isAddressEntry } from './ip-filter';

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
  inWorkReports: z
    .number({ error: 'число отчётов — целое число' })
    .int('число отчётов — целое число')
    .min(1, 'число отчётов — не меньше 1')
    .max(1_000_000, 'число отчётов — не больше 1 000 000')
    .optional()
    .describe('A problem "в работе" stops asking for reports of a version once it has this many of it (default 10)'),
  inWorkComputers: z
    .number({ error: 'число компьютеров — целое число' })
    .int('число компьютеров — целое число')
    .min(1, 'число компьютеров — не меньше 1')
    .max(1_000_000, 'число компьютеров — не больше 1 000 000')
    .optional()
    .describe('… and its reports of that version came from at least this many computers (default 3)'),
  skipCategories: z
    .array(
      z
        .string()
        .trim()
        .min(1, 'пустая категория ошибок')
        .max(100, 'категория ошибок длиннее 100 символов')
        .regex(/^[A-Za-zА-Яа-яЁё0-9_]+$/, 'категория ошибок — одно слово из букв, цифр и «_», например NetworkError'),
    )
    .max(50, 'не больше 50 категорий ошибок')
    .optional()
    .describe('Errors with any of these categories are not asked for (registry/noise-filter.ts)'),
  ownCodeOnly: z.boolean().optional().describe("Only errors raised in the configuration's code: a non-empty application stack hash"),
});

/**
 * Bounds (issue 14): how long reports are kept and how much disk pult leaves free. Optional
 * in the file, so settings written before them stay valid; read through the functions below.
 */
export const RetentionSchema = z.object({
  enabled: z.boolean().default(true).describe('Remove old reports in the background'),
  days: z
    .number({ error: 'срок хранения — целое число дней' })
    .int('срок хранения — целое число дней')
    .min(1, 'срок хранения — не меньше 1 дня')
    .max(36500, 'срок хранения — не больше 36500 дней')
    .default(90)
    .describe('A report is kept this many days after pult received it'),
  keepLatest: z
    .number({ error: 'число последних отчётов — целое число' })
    .int('число последних отчётов — целое число')
    .min(0, 'число последних отчётов не может быть отрицательным')
    .max(1000, 'число последних отчётов — не больше 1000')
    .default(10)
    .describe("Besides its first report, each error keeps this many of its newest whatever their age"),
});

export const DiskSchema = z.object({
  minFreeMb: z
    .number({ error: 'запас места — целое число мегабайт' })
    .int('запас места — целое число мегабайт')
    .min(0, 'запас места не может быть отрицательным')
    .max(10_000_000, 'слишком большой запас места')
    .default(1024)
    .describe('Below this much free space under StoragePath pushReport answers 503 and getInfo false'),
  alertRecipients: z
    .array(z.email({ error: (i) => `«${String(i.input)}» — не адрес электронной почты` }))
    .max(100, 'не больше 100 получателей')
    .default([])
    .describe('Who is told once that the disk is nearly full (empty: every configuration\'s recipients)'),
});

/** An address list of the service (registry/ip-filter.ts): single addresses or CIDR ranges. */
const addressList = (which: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .max(60, `адрес в списке ${which} длиннее 60 символов`)
        .refine(isAddressEntry, { error: (i) => `«${String(i.input).slice(0, 60)}» в списке ${which} — не IP-адрес и не диапазон CIDR (например, 10.0.0.0/8 или 2001:db8::/32)` }),
    )
    .max(500, `не больше 500 адресов в списке ${which}`)
    .default([]);

export const AddressesSchema = z.object({
  allow: addressList('разрешённых').describe('Not empty: only these addresses may send getInfo and pushReport'),
  deny: addressList('запрещённых').describe('These addresses may not, whatever the allow list says'),
});

/** The answers getInfo gives for known problems (registry/getinfo-answer.ts fills them). */
export const AnswersSchema = z.object({
  known: answerTemplate('«ошибка известна»').default(ANSWER_DEFAULTS.known),
  fixed: answerTemplate('«исправлена в версии»').default(ANSWER_DEFAULTS.fixed),
  inWork: answerTemplate('«взята в работу»').default(ANSWER_DEFAULTS.inWork),
  showOwner: z.boolean().default(false).describe('May {ответственный} put the owner\'s name into the answer (else it is empty)'),
});

export type RetentionRules = z.infer<typeof RetentionSchema>;
export type DiskRules = z.infer<typeof DiskSchema>;

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
  retention: RetentionSchema.optional(),
  disk: DiskSchema.optional(),
  answers: AnswersSchema.optional(),
  addresses: AddressesSchema.optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type ConfigurationRule = z.infer<typeof ConfigurationRuleSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

const DEFAULT_RETENTION: RetentionRules = RetentionSchema.parse({});
const DEFAULT_DISK: DiskRules = DiskSchema.parse({});
const DEFAULT_ANSWERS: Answers = AnswersSchema.parse({});

export type Answers = z.infer<typeof AnswersSchema>;

/** The getInfo answer texts in force (the defaults where the file has none). */
export function answerTexts(settings: Settings): Answers {
  return settings.answers ?? DEFAULT_ANSWERS;
}

/** "в работе" stops asking once a version has R reports from C computers (defaults 10 and 3). */
export const IN_WORK_DEFAULTS = { reports: 10, computers: 3 } as const;

export function inWorkThresholds(rule: ConfigurationRule | undefined): { reports: number; computers: number } {
  return { reports: rule?.inWorkReports ?? IN_WORK_DEFAULTS.reports, computers: rule?.inWorkComputers ?? IN_WORK_DEFAULTS.computers };
}

/** The retention rules in force (the defaults where the file has none). */
export function retentionRules(settings: Settings): RetentionRules {
  return settings.retention ?? DEFAULT_RETENTION;
}

/** The disk rules in force (the defaults where the file has none). */
export function diskRules(settings: Settings): DiskRules {
  return settings.disk ?? DEFAULT_DISK;
}
