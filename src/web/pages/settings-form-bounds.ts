import { diskRules, retentionRules, type Settings } from '../../registry/settings-schema';

/**
 * The settings form's "bounds" fields (issue 14: retention and the disk reserve), both
 * ways. Kept apart from the rules rows so other groups of fields can be added beside it.
 */
export interface BoundsForm {
  retentionEnabled: boolean;
  retentionDays: string;
  keepLatest: string;
  minFreeMb: string;
  alertRecipients: string;
}

export function boundsFormOf(settings: Settings): BoundsForm {
  const r = retentionRules(settings);
  const d = diskRules(settings);
  return {
    retentionEnabled: r.enabled,
    retentionDays: String(r.days),
    keepLatest: String(r.keepLatest),
    minFreeMb: String(d.minFreeMb),
    alertRecipients: d.alertRecipients.join(', '),
  };
}

const FIELDS = ['retentionDays', 'keepLatest', 'minFreeMb', 'alertRecipients'];

/**
 * The posted fields as typed (shown again on an error) and as a candidate for SettingsSchema.
 * A post without this group (a script, an older page) leaves the defaults in force.
 */
export function readBoundsForm(
  body: Record<string, unknown>,
  field: (key: string) => string,
): { form: BoundsForm; candidate: Pick<Settings, 'retention' | 'disk'> } {
  const form: BoundsForm = {
    retentionEnabled: field('retentionEnabled') !== '',
    retentionDays: field('retentionDays').trim(),
    keepLatest: field('keepLatest').trim(),
    minFreeMb: field('minFreeMb').trim(),
    alertRecipients: field('alertRecipients'),
  };
  if (!FIELDS.some((k) => k in body)) return { form: boundsFormOf({ configurations: [], userMessage: '', dumpType: 0 }), candidate: {} };
  const candidate = {
    retention: { enabled: form.retentionEnabled, days: numberOrText(form.retentionDays), keepLatest: numberOrText(form.keepLatest) },
    disk: {
      minFreeMb: numberOrText(form.minFreeMb),
      alertRecipients: form.alertRecipients
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    },
  };
  // Not yet validated: SettingsSchema decides, its messages go next to these fields.
  return { form, candidate: candidate as unknown as Pick<Settings, 'retention' | 'disk'> };
}

/** A typed number as a number (for the schema's messages), anything else as typed, blank as absent. */
export function numberOrText(text: string): number | string | undefined {
  if (text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}
