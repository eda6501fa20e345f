import type { RefusalLog } from '../../registry/refusals';
import { SettingsSchema, type Settings } from '../../registry/settings-schema';
import { parseRu } from '../../zod-ru';
import { formatDateTime } from '../render';
import { boundsFormOf, numberOrText, readBoundsForm, type BoundsForm } from './settings-form-bounds';
import { answersFormOf, readAnswersForm, type AnswersForm } from './settings-form-answers';
import { addressesFormOf, readAddressesForm, type AddressesForm } from './settings-form-addresses';

/**
 * The settings page's form, both ways. A configuration is one row: name, which versions
 * (an explicit choice: every version / only these prefixes / none, so that a stray empty
 * line can never silently mean "every version"), recipients, and a "delete" box; one
 * blank row adds a configuration. Validation is SettingsSchema's, its Russian messages
 * placed next to the fields they concern.
 */

export type VersionMode = 'all' | 'list' | 'none';

export interface RuleRow {
  index: number;
  name: string;
  mode: VersionMode;
  versions: string;
  recipients: string;
  /** "в работе" thresholds as typed; "" = the default. */
  inWorkReports: string;
  inWorkComputers: string;
  /** Noise filters (registry/noise-filter.ts): categories as typed, and the own-code box. */
  skipCategories: string;
  ownCodeOnly: boolean;
  remove: boolean;
}

export interface SettingsForm {
  rows: RuleRow[];
  userMessage: string;
  dumpType: string;
  bounds: BoundsForm;
  answers: AnswersForm;
  addresses: AddressesForm;
  /** Messages by field key (`name_3`, `versions_0`, `userMessage`, `configurations`…). */
  errors: Record<string, string[]>;
}

export type FormReading = { ok: true; settings: Settings } | { ok: false; form: SettingsForm };

const MAX_ROWS = 600;
const ROW_FIELD = /^(name|mode|versions|recipients|inWorkReports|inWorkComputers|skipCategories|ownCodeOnly|delete)_(\d{1,4})$/;
/** Row fields whose messages are shown next to them; others go next to the name. */
const ROW_ERROR_FIELDS = new Set(['versions', 'recipients', 'inWorkReports', 'inWorkComputers', 'skipCategories']);

export function formOf(settings: Settings): SettingsForm {
  const rows: RuleRow[] = settings.configurations.map((c, index) => ({
    index,
    name: c.name,
    mode: c.versions.length === 0 ? 'none' : c.versions.includes('') ? 'all' : 'list',
    versions: c.versions.includes('') ? '' : c.versions.join('\n'),
    recipients: c.recipients.join(', '),
    inWorkReports: c.inWorkReports === undefined ? '' : String(c.inWorkReports),
    inWorkComputers: c.inWorkComputers === undefined ? '' : String(c.inWorkComputers),
    skipCategories: (c.skipCategories ?? []).join(', '),
    ownCodeOnly: c.ownCodeOnly === true,
    remove: false,
  }));
  return {
    rows: withBlankRow(rows),
    userMessage: settings.userMessage,
    dumpType: String(settings.dumpType),
    bounds: boundsFormOf(settings),
    answers: answersFormOf(settings),
    addresses: addressesFormOf(settings),
    errors: {},
  };
}

export function readSettingsForm(body: Record<string, unknown>): FormReading {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);

  const indexes = new Set<number>();
  for (const key of Object.keys(body)) {
    const m = ROW_FIELD.exec(key);
    if (m) indexes.add(Number(m[2]));
  }
  const rows: RuleRow[] = [...indexes]
    .sort((a, b) => a - b)
    .slice(0, MAX_ROWS)
    .map((index) => {
      const mode = field(body, `mode_${index}`);
      return {
        index,
        name: field(body, `name_${index}`),
        mode: mode === 'all' || mode === 'none' ? mode : 'list',
        versions: field(body, `versions_${index}`),
        recipients: field(body, `recipients_${index}`),
        inWorkReports: field(body, `inWorkReports_${index}`).trim(),
        inWorkComputers: field(body, `inWorkComputers_${index}`).trim(),
        skipCategories: field(body, `skipCategories_${index}`),
        ownCodeOnly: field(body, `ownCodeOnly_${index}`) !== '',
        remove: field(body, `delete_${index}`) !== '',
      };
    });
  if (indexes.size > MAX_ROWS) add('configurations', `не больше ${MAX_ROWS} строк в форме`);

  const used = rows.filter((r) => !r.remove && !isBlank(r));
  const configurations = used.map((r) => {
    const versions = r.mode === 'all' ? [''] : r.mode === 'none' ? [] : splitList(r.versions, /[\n,;]+/);
    if (r.mode === 'list' && versions.length === 0) {
      add(`versions_${r.index}`, 'перечислите версии или выберите «все версии» либо «ни одной версии»');
    }
    return {
      name: r.name,
      versions,
      recipients: splitList(r.recipients, /[\s,;]+/),
      // Absent, not undefined: a blank threshold leaves no key in settings.json.
      ...(r.inWorkReports !== '' && { inWorkReports: numberOrText(r.inWorkReports) }),
      ...(r.inWorkComputers !== '' && { inWorkComputers: numberOrText(r.inWorkComputers) }),
      ...(r.skipCategories.trim() !== '' && { skipCategories: splitList(r.skipCategories, /[\s,;]+/) }),
      ...(r.ownCodeOnly && { ownCodeOnly: true }),
    };
  });

  const dumpText = field(body, 'dumpType').trim();
  const bounds = readBoundsForm(body, (key) => field(body, key));
  const answers = readAnswersForm(body, (key) => field(body, key));
  const addresses = readAddressesForm((key) => field(body, key));
  const candidate = {
    ...bounds.candidate,
    ...answers.candidate,
    ...addresses.candidate,
    configurations,
    userMessage: field(body, 'userMessage'),
    dumpType: dumpText === '' ? undefined : /^-?\d+$/.test(dumpText) ? Number(dumpText) : dumpText,
  };
  const parsed = parseRu(SettingsSchema, candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, i, sub] = issue.path;
      if (top === 'configurations' && typeof i === 'number' && used[i]) {
        const name = typeof sub === 'string' && ROW_ERROR_FIELDS.has(sub) ? sub : 'name';
        add(`${name}_${used[i].index}`, issue.message);
      } else {
        // Grouped fields (retention.days…) are keyed by their own name.
        add(typeof top === 'string' ? (typeof i === 'string' ? `${top}.${i}` : top) : 'form', issue.message);
      }
    }
  }
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    form: { rows: withBlankRow(rows), userMessage: candidate.userMessage, dumpType: dumpText, bounds: bounds.form, answers: answers.form, addresses: addresses.form, errors },
  };
}

/** Error keys of fields whose input id differs from the key (the grouped bounds). */
const INPUT_OF: Record<string, string> = {
  'retention.days': 'retentionDays',
  'retention.keepLatest': 'keepLatest',
  'disk.minFreeMb': 'minFreeMb',
  'disk.alertRecipients': 'alertRecipients',
  'answers.known': 'answerKnown',
  'answers.fixed': 'answerFixed',
  'answers.inWork': 'answerInWork',
  'addresses.allow': 'allowAddresses',
  'addresses.deny': 'denyAddresses',
};

/**
 * The id of the element a refused save should put focus on: the first field with an error
 * in page order, or the summary when the problem is not one field's (`configurations`, `form`).
 */
export function firstInvalidField(form: SettingsForm): string {
  const order = [
    ...form.rows.flatMap((r) => [`name_${r.index}`, `versions_${r.index}`, `recipients_${r.index}`, `inWorkReports_${r.index}`, `inWorkComputers_${r.index}`, `skipCategories_${r.index}`]),
    'userMessage',
    'dumpType',
    ...Object.keys(INPUT_OF),
  ];
  const first = form.errors.configurations ? undefined : order.find((key) => form.errors[key]);
  return first === undefined ? 'form-problems' : (INPUT_OF[first] ?? first);
}

function field(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

function splitList(text: string, separators: RegExp): string[] {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isBlank(r: RuleRow): boolean {
  return r.name.trim() === '' && r.versions.trim() === '' && r.recipients.trim() === '' && r.inWorkReports === '' && r.inWorkComputers === '' && r.skipCategories.trim() === '' && !r.ownCodeOnly && r.mode === 'list';
}

function withBlankRow(rows: RuleRow[]): RuleRow[] {
  const last = rows[rows.length - 1];
  if (last && isBlank(last) && !last.remove) return rows;
  const index = rows.reduce((m, r) => Math.max(m, r.index + 1), 0);
  return [...rows, { index, name: '', mode: 'list', versions: '', recipients: '', inWorkReports: '', inWorkComputers: '', skipCategories: '', ownCodeOnly: false, remove: false }];
}

/**
 * Listed configurations whose reports came with an empty version and were refused since
 * start: only "все версии" accepts those (a real 8.3.18 client sent one), so the page says so.
 */
export function emptyVersionRefusals(settings: Settings, refusals: RefusalLog): { name: string; count: number; lastAt: string; lastAtText: string }[] {
  return settings.configurations.flatMap((c) => {
    const seen = c.versions.includes('') ? undefined : refusals.emptyVersionsOf(c.name);
    return seen ? [{ name: c.name, count: seen.count, lastAt: seen.lastAt, lastAtText: formatDateTime(seen.lastAt) }] : [];
  });
}
