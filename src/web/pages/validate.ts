import type { z } from 'zod';
import { ValidationError } from '../../errors';
import { parseRu } from '../../zod-ru';

/**
 * Parses request input with a zod schema; a problem becomes a 400 that names the field.
 * The message is the schema's own or the Russian map's (zod-ru.ts).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = parseRu(schema, input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue?.message ?? 'неверное значение';
  throw new ValidationError(`Некорректный параметр${field ? ` «${field}»` : ''}: ${message}`, field);
}
