import type { Settings } from '../../registry/settings-schema';

/** The settings form's address lists (registry/ip-filter.ts), both ways: one entry a line, or separated by commas and spaces. */
export interface AddressesForm {
  allow: string;
  deny: string;
}

export function addressesFormOf(settings: Settings): AddressesForm {
  return { allow: (settings.addresses?.allow ?? []).join('\n'), deny: (settings.addresses?.deny ?? []).join('\n') };
}

/**
 * As typed, and as a candidate for SettingsSchema. Both lists empty (or a post without the
 * fields): no `addresses` key at all, so settings.json stays as it was before the lists.
 */
export function readAddressesForm(field: (key: string) => string): { form: AddressesForm; candidate: Pick<Settings, 'addresses'> } {
  const form: AddressesForm = { allow: field('allowAddresses'), deny: field('denyAddresses') };
  const allow = entries(form.allow);
  const deny = entries(form.deny);
  if (allow.length === 0 && deny.length === 0) return { form, candidate: {} };
  return { form, candidate: { addresses: { allow, deny } } };
}

function entries(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
