import { z } from 'zod';
import { flattenLine, hasControlChars } from '../control-chars';

/**
 * The texts getInfo shows a 1C user (`userMessage`) for a known problem: templates the
 * administrator edits, with three placeholders. The platform shows the text as it is in
 * its error window, so a template is one line of plain text: no control characters, no
 * markup brackets, no placeholder other than these. What is put into a placeholder is
 * flattened and cut as well (an owner's name comes from the monitor's user list).
 */
export const PLACEHOLDERS = {
  problem: '{номер}',
  fixedIn: '{версия}',
  owner: '{ответственный}',
} as const;

/** Russian defaults (README «getInfo: ответы по состоянию проблемы»). */
export const ANSWER_DEFAULTS = {
  known: 'Эта ошибка уже известна разработчикам (№{номер}). Отправлять отчёт не нужно.',
  fixed: 'Эта ошибка исправлена в версии {версия}. Обновите программу; отправлять отчёт не нужно.',
  inWork: 'Эта ошибка уже известна и взята в работу (№{номер}). Отправлять отчёт не нужно.',
} as const;

const MAX_CHARS = 500;
const KNOWN = new Set<string>(Object.values(PLACEHOLDERS));

/** A zod string for one template, with Russian reasons naming `which` text. */
export function answerTemplate(which: string) {
  return z
    .string({ error: `текст ответа ${which} — строка` })
    .trim()
    .min(1, `текст ответа ${which} пуст`)
    .max(MAX_CHARS, `текст ответа ${which} длиннее ${MAX_CHARS} символов`)
    .refine((s) => !hasControlChars(s), `текст ответа ${which} содержит перевод строки или другие управляющие символы`)
    .refine((s) => !/[<>]/.test(s), `текст ответа ${which} содержит угловые скобки: платформа показывает текст как есть, разметка не нужна`)
    .superRefine((s, ctx) => {
      for (const m of s.match(/\{[^{}]*\}/g) ?? []) {
        if (!KNOWN.has(m)) ctx.addIssue({ code: 'custom', message: `в тексте ответа ${which} неизвестная подстановка ${m}: есть ${[...KNOWN].join(', ')}` });
      }
    });
}

export interface AnswerValues {
  problem: number;
  fixedIn?: string | null;
  /** Already decided by the caller: null when the administrator does not allow names. */
  owner?: string | null;
}

/** The template with its placeholders filled: one line, at most 1000 characters. */
export function fillAnswer(template: string, v: AnswerValues): string {
  const values: Record<string, string> = {
    [PLACEHOLDERS.problem]: String(v.problem),
    [PLACEHOLDERS.fixedIn]: v.fixedIn ?? '',
    [PLACEHOLDERS.owner]: flattenLine(v.owner ?? '').slice(0, 100),
  };
  const text = template.replace(/\{[^{}]*\}/g, (m) => values[m] ?? m);
  return flattenLine(text).slice(0, 2 * MAX_CHARS);
}
