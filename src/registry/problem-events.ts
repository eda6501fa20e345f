import type { EventRow } from '../storage/problems-repo';

/** The history of a problem in words: for its page and for "what changed meanwhile". */

const STATUS_WORDS: Record<string, string> = {
  new: 'новая',
  'in-work': 'в работе',
  fixed: 'исправлена',
  wontfix: 'не исправлять',
  regression: 'регрессия',
};

interface StateShape {
  status?: string;
  owner?: { login: string; name: string } | null;
  fixedIn?: string | null;
  reason?: string | null;
  noMoreReports?: boolean;
}

/** "исправлена в версии 2.0.7.1", "в работе", "не исправлять": the status as a person reads it. */
export function statusText(status: string, fixedIn: string | null | undefined): string {
  if (status === 'fixed') return `исправлена в версии ${fixedIn ?? '?'}`;
  return STATUS_WORDS[status] ?? status;
}

/** One history entry as a sentence (client text stays text: the caller escapes it). */
export function describeEvent(e: Pick<EventRow, 'kind' | 'data'>): string {
  const d = parse(e.data);
  switch (e.kind) {
    case 'state':
      return describeState(d.from as StateShape, d.to as StateShape) + (d.migrated ? ' (перенесено из метки)' : '');
    case 'comment':
      return 'комментарий';
    case 'regression':
      return `регрессия: отчёт версии ${String(d.version)} (ошибка №${String(d.errorId)}), а исправлена была в ${String(d.fixedIn)}`;
    case 'merge':
      return `объединена с проблемой №${String(d.from)}: ошибки ${(d.errors as number[] | undefined)?.map((n) => '№' + n).join(', ') ?? ''}`;
    case 'split-out':
      return `ошибка №${String(d.error)} выделена в отдельную проблему №${String(d.to)}`;
    case 'split-in':
      return `выделена из проблемы №${String(d.from)} (ошибка №${String(d.error)})`;
    default:
      return e.kind;
  }
}

function describeState(from: StateShape = {}, to: StateShape = {}): string {
  const parts: string[] = [];
  if (from.status !== to.status || (to.status === 'fixed' && from.fixedIn !== to.fixedIn)) {
    parts.push(`статус: ${statusText(from.status ?? 'new', from.fixedIn)} → ${statusText(to.status ?? 'new', to.fixedIn)}`);
  }
  if ((from.owner?.login ?? null) !== (to.owner?.login ?? null)) {
    parts.push(`ответственный: ${from.owner?.name ?? 'нет'} → ${to.owner?.name ?? 'нет'}`);
  }
  if (to.status === 'wontfix' && to.reason && to.reason !== from.reason) parts.push(`причина: ${to.reason}`);
  if (!!from.noMoreReports !== !!to.noMoreReports) parts.push(to.noMoreReports ? 'отчёты больше не принимаются' : 'отчёты снова принимаются');
  return parts.join('; ') || 'без изменений';
}

/** The comment text of a comment event ('' for others). */
export function commentOf(e: Pick<EventRow, 'kind' | 'data'>): string {
  return e.kind === 'comment' ? String(parse(e.data).text ?? '') : '';
}

function parse(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}
