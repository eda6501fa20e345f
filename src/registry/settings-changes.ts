import type { Settings } from './settings-schema';

/** What differs between two versions of the settings, in words (for "changed meanwhile"). */
export function describeSettingsChanges(before: Settings, after: Settings): string[] {
  const out: string[] = [];
  const old = new Map(before.configurations.map((c) => [c.name, c]));
  const now = new Map(after.configurations.map((c) => [c.name, c]));
  for (const [name, c] of now) {
    const o = old.get(name);
    if (!o) out.push(`добавлена конфигурация «${name}»`);
    else {
      if (JSON.stringify(o.versions) !== JSON.stringify(c.versions)) out.push(`у «${name}» изменены версии: ${list(o.versions)} → ${list(c.versions)}`);
      if (JSON.stringify(o.recipients) !== JSON.stringify(c.recipients)) out.push(`у «${name}» изменены получатели: ${list(o.recipients)} → ${list(c.recipients)}`);
    }
  }
  for (const name of old.keys()) if (!now.has(name)) out.push(`удалена конфигурация «${name}»`);
  if (before.userMessage !== after.userMessage) out.push('изменено сообщение пользователю');
  if (before.dumpType !== after.dumpType) out.push(`тип дампа: ${before.dumpType} → ${after.dumpType}`);
  return out;
}

function list(items: string[]): string {
  if (items.length === 0) return 'нет';
  return items.map((v) => (v === '' ? 'все версии' : v)).join(', ');
}
