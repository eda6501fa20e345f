import type { z } from 'zod';
import { ValidationError } from '../../errors';

/**
 * Parses request input with a zod schema; a problem becomes a 400 that names the field.
 * Our schemas carry Russian messages; zod's own defaults are English, so those become a
 * plain "неверное значение".
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue && /[А-Яа-яЁё]/.test(issue.message) ? issue.message : 'неверное значение';
  throw new ValidationError(`Некорректный параметр${field ? ` «${field}»` : ''}: ${message}`, field);
}
