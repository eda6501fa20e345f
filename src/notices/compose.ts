import { flattenLine } from '../control-chars';
import { clip } from '../registry/limits';

/**
 * The text of a notice mail: one per configuration (or per person given a problem), one
 * entry per error with its numbers so far and the problem it belongs to.
 */

export interface NoticeItem {
  /** new-error | regression | owner */
  kind?: string;
  errorId: number;
  version: string;
  texts: string[];
  reports?: number;
  computers?: number;
  problemId?: number | null;
  /** Unique errors of its problem: more than one means it joined a known problem. */
  problemErrors?: number;
  fixedIn?: string | null;
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
  const kinds = new Set(items.map((i) => i.kind ?? 'new-error'));
  const subject = kinds.has('regression')
    ? `Регрессия ${config}${kinds.has('new-error') ? ' и новые ошибки' : ''} в сервисе регистрации ошибок`
    : kinds.size === 1 && kinds.has('owner')
      ? `Вам назначена проблема ${config} в сервисе регистрации ошибок`
      : `Новые ошибки ${config} в сервисе регистрации ошибок`;
  const first =
    kinds.size === 1 && kinds.has('new-error')
      ? `В сервисе регистрации ошибок зарегистрированы новые ошибки конфигурации ${config}: ${items.length}.`
      : `В сервисе регистрации ошибок конфигурации ${config}: ${[
          count(items, 'new-error', 'новые ошибки'),
          count(items, 'regression', 'регрессии — ошибки, исправленные ранее, снова пришли в версии не ниже исправленной'),
          count(items, 'owner', 'проблемы, назначенные вам'),
        ]
          .filter(Boolean)
          .join('; ')}.`;
  const lines = [first, ''];
  for (const item of items.slice(0, MAIL.errors)) {
    lines.push(`${heading(item)}№${item.errorId}, версия ${flattenLine(item.version) || '(не указана)'}`);
    if (item.reports !== undefined) lines.push(`  отчётов пока: ${item.reports}, компьютеров: ${item.computers ?? 0}`);
    if (item.kind === 'regression') lines.push(`  была исправлена в версии ${flattenLine(item.fixedIn ?? '?')}`);
    if (item.problemId && (item.problemErrors ?? 0) > 1) {
      lines.push(`  проблема №${item.problemId}: та же ошибка в других версиях (уникальных ошибок: ${item.problemErrors})`);
    }
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

function count(items: NoticeItem[], kind: string, label: string): string {
  const n = items.filter((i) => (i.kind ?? 'new-error') === kind).length;
  return n ? `${label}: ${n}` : '';
}

function heading(item: NoticeItem): string {
  if (item.kind === 'regression') return 'Регрессия: ';
  if (item.kind === 'owner') return 'Назначена вам: ';
  return '';
}
