/** The text of a new-errors mail: one per configuration, a link per error. */

export interface NoticeItem {
  errorId: number;
  version: string;
  texts: string[];
}

const DETAILED = 100;

export function composeNotice(configName: string, items: NoticeItem[], base: string | undefined): { subject: string; body: string } {
  const subject = `Новые ошибки ${configName} в сервисе регистрации ошибок`;
  const lines = [`В сервисе регистрации ошибок зарегистрированы новые ошибки конфигурации ${configName}: ${items.length}.`, ''];
  for (const item of items.slice(0, DETAILED)) {
    lines.push(`№${item.errorId}, версия ${item.version || '(не указана)'}`);
    const texts = item.texts.filter((t) => t.trim() !== '');
    if (texts.length === 0) lines.push('  (подробное описание ошибки не передано)');
    for (const t of texts) lines.push('  ' + oneLine(t));
    if (base) lines.push(`  ${base}/s/reports/${item.errorId}`);
    lines.push('');
  }
  if (items.length > DETAILED) {
    lines.push(`…и ещё ${items.length - DETAILED}.${base ? ` Все ошибки: ${base}/s/errorsList?config=${encodeURIComponent(configName)}` : ''}`, '');
  }
  lines.push('Это письмо отправлено автоматически сервисом pult.');
  return { subject, body: lines.join('\n') };
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? flat.slice(0, 500) + '…' : flat;
}
