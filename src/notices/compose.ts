import { flattenLine } from '../control-chars';
import { clip } from '../registry/limits';

/** The text of a new-errors mail: one per configuration, a link per error. */

export interface NoticeItem {
  errorId: number;
  version: string;
  texts: string[];
}

/** What one mail may carry, whatever the reports held: a storm of 300 new errors stays ≈ 40 KB. */
export const MAIL = {
  /** Errors listed with their texts; the rest are counted, with a link to the list. */
  errors: 20,
  /** Texts shown per error (the outermost first; the root cause is the last of them). */
  texts: 3,
  /** Characters per text shown. */
  textChars: 300,
} as const;

/**
 * Subject and body of the notice. Every value from a report or the settings is flattened
 * to one line (control-chars.ts), so nothing a client sends can add a header or an SMTP
 * command, and no line of the body holds only a dot.
 */
export function composeNotice(configName: string, items: NoticeItem[], base: string | undefined): { subject: string; body: string } {
  const config = flattenLine(configName);
  const subject = `Новые ошибки ${config} в сервисе регистрации ошибок`;
  const lines = [`В сервисе регистрации ошибок зарегистрированы новые ошибки конфигурации ${config}: ${items.length}.`, ''];
  for (const item of items.slice(0, MAIL.errors)) {
    lines.push(`№${item.errorId}, версия ${flattenLine(item.version) || '(не указана)'}`);
    const texts = item.texts.map((t) => flattenLine(t)).filter((t) => t !== '');
    if (texts.length === 0) lines.push('  (подробное описание ошибки не передано)');
    const shown = texts.length > MAIL.texts ? [...texts.slice(0, MAIL.texts - 1), texts[texts.length - 1]!] : texts;
    if (shown.length < texts.length) lines.push(`  (текстов в цепочке: ${texts.length}, показаны первые и первопричина)`);
    for (const t of shown) lines.push('  ' + clip(t, MAIL.textChars));
    if (base) lines.push(`  ${base}/s/reports/${item.errorId}`);
    lines.push('');
  }
  if (items.length > MAIL.errors) {
    const list = base ? ` Все ошибки: ${base}/s/errorsList?config=${encodeURIComponent(configName)}` : '';
    lines.push(`…и ещё ${items.length - MAIL.errors}.${list}`, '');
  }
  lines.push('Это письмо отправлено автоматически сервисом pult.');
  return { subject, body: lines.map(noLoneDot).join('\n') };
}

/** A line of only "." ends an SMTP message wherever the mail passes through: never send one. */
function noLoneDot(line: string): string {
  return line.trim() === '.' ? line.replace('.', '[.]') : line;
}
