/**
 * The one way pult turns a zod problem into words: every schema a person can meet (settings,
 * pult.config.json, getInfo, report.json, the host's properties and answers) is parsed with
 * `parseRu`, whose error map speaks Russian, and its issues are told by `problemText`.
 * A schema's own message (already Russian) wins over the map, as zod orders them.
 * Per parse, not `z.config()`: the simulator and the tests load these modules into one process
 * with other zod users, and a global setting would change their messages too.
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'строка',
  number: 'число',
  int: 'целое число',
  bigint: 'целое число',
  boolean: 'да/нет (true или false)',
  object: 'объект',
  array: 'список',
  null: 'null',
  undefined: 'ничего',
  date: 'дата',
  nan: 'NaN',
  function: 'функция',
  symbol: 'символ',
  record: 'объект',
  map: 'объект',
  set: 'список',
  tuple: 'список',
};

function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number') return Number.isInteger(input) ? 'int' : 'number';
  return typeof input;
}

function typeName(t: unknown): string {
  return TYPE_NAMES[String(t)] ?? String(t);
}

/** A bound of a size check in words: "не больше 3 символов", "не меньше 1". */
function bound(issue: Issue & { origin?: string; inclusive?: boolean }, limit: unknown, more: boolean): string {
  const unit = issue.origin === 'string' ? ' символов' : issue.origin === 'array' || issue.origin === 'set' ? ' элементов' : issue.origin === 'file' ? ' байт' : '';
  const cmp = issue.inclusive === false ? (more ? 'меньше' : 'больше') : more ? 'не больше' : 'не меньше';
  return `${cmp} ${String(limit)}${unit}`;
}

/** zod's error map in Russian, for the codes our schemas can raise. */
export const ruErrorMap: z.core.$ZodErrorMap = (raw) => {
  const issue = raw as Issue & Record<string, any>;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'не указано (обязательное поле)';
      return `ожидается ${typeName(issue.expected)}, а передано: ${typeName(kindOf(issue.input))}`;
    case 'too_small':
      if ((issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1) return 'не должно быть пустым';
      return `должно быть ${bound(issue, issue.minimum, false)}`;
    case 'too_big':
      return `должно быть ${bound(issue, issue.maximum, true)}`;
    case 'invalid_value':
      return issue.values?.length === 1
        ? `ожидается значение ${JSON.stringify(issue.values[0])}`
        : `ожидается одно из значений: ${(issue.values ?? []).map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'не адрес электронной почты' : `неверный формат (${String(issue.format)})`;
    case 'not_multiple_of':
      return `должно делиться на ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `неизвестные ключи: ${(issue.keys ?? []).join(', ')}`;
    case 'invalid_key':
      return 'неверный ключ';
    case 'invalid_element':
      return 'неверный элемент';
    case 'invalid_union':
      return 'значение не подходит ни под один из допустимых видов';
    default:
      return 'неверное значение';
  }
};

/** `schema.safeParse` with Russian messages. */
export function parseRu<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.infer<S>> {
  return schema.safeParse(input, { error: ruErrorMap }) as z.ZodSafeParseResult<z.infer<S>>;
}

/**
 * One issue as a person reads it: "поле.путь: что не так". A schema's own message that already
 * names the field ("configInfo.name пуст") is not prefixed a second time.
 */
export function problemText(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where && !issue.message.includes(where) ? `${where}: ${issue.message}` : issue.message;
}

/** Every issue of a failed parse, as problemText. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map(problemText);
}
