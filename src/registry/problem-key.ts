import { createHash } from 'node:crypto';
import type { ErrorKey } from './error-key';

/**
 * The problem rule: the unique errors of ONE configuration whose error texts are the same
 * once the positions in their module prefixes are set aside are one problem (one bug), in
 * any version and with any extensions — every release moves the line numbers, and the
 * stack hash and the extension set move with it, so neither is part of the key.
 *
 * A module prefix is `{Path(line)}` or, as 8.3.18 writes compile errors, `{Path(line,col)}`;
 * both become `{Path}`, wherever they stand in a text (the platform nests them after "по
 * причине:"). A text with no prefix ("Ошибка инициализации модуля: …") is compared as it is.
 * A report without applicationErrorInfo is keyed apart from one with an empty text list.
 *
 * People can merge problems and split a unique error out again (registry/problem-merge.ts);
 * this rule only decides where a NEW unique error goes first.
 */
export function problemKeyOf(key: Pick<ErrorKey, 'configName' | 'texts' | 'detailed'>): string {
  const canonical = JSON.stringify([key.configName, key.detailed, key.texts.map(withoutPositions)]);
  return createHash('sha256').update(canonical).digest('hex');
}

const MODULE_POSITION = /\{([^{}()]*)\(\s*\d+\s*(?:,\s*\d+\s*)?\)\}/g;

/** "{Документ.Карта.МодульОбъекта(1114)}: Не заполнено" → "{Документ.Карта.МодульОбъекта}: Не заполнено". */
export function withoutPositions(text: string): string {
  return text.replace(MODULE_POSITION, '{$1}');
}
