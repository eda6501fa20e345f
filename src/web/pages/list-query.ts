import { z } from 'zod';
import { STATUSES } from '../../registry/problem-status';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The orders of the problem list (README «Поиск, фильтры и порядок списка»). */
export const SORTS = ['last', 'first', 'reports', 'computers', 'users', 'trend'] as const;
export type ListSort = (typeof SORTS)[number];

export const SORT_LABELS: Record<ListSort, string> = {
  last: 'последний отчёт',
  first: 'первый отчёт',
  reports: 'больше отчётов',
  computers: 'больше компьютеров',
  users: 'больше пользователей',
  trend: 'растут за сутки',
};

/** Period of the last report: `period` → how far back, in hours. */
export const PERIODS = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24, '90d': 90 * 24 } as const;
export type ListPeriod = keyof typeof PERIODS;

export const PERIOD_LABELS: Record<ListPeriod, string> = {
  '24h': 'за сутки',
  '7d': 'за 7 дней',
  '30d': 'за 30 дней',
  '90d': 'за 90 дней',
};

/** The search, filter and order fields of s/errorsList that the problem view adds. */
export const ProblemListQuery = z.object({
  q: z.preprocess(blankToUndefined, z.string({ error: 'ожидается одна строка поиска' }).optional()),
  sort: z.preprocess(blankToUndefined, z.enum(SORTS, { error: 'ожидается last, first, reports, computers, users или trend' }).default('last')),
  status: z.preprocess(blankToUndefined, z.enum(STATUSES, { error: 'ожидается new, in-work, fixed, wontfix или regression' }).optional()),
  /** A login, or `me` — the viewer («мои»). */
  owner: z.preprocess(blankToUndefined, z.string().max(200, 'слишком длинный логин').optional()),
  period: z.preprocess(blankToUndefined, z.enum(Object.keys(PERIODS) as [ListPeriod, ...ListPeriod[]], { error: 'ожидается 24h, 7d, 30d или 90d' }).optional()),
  /** Only problems with a stored report with a screenshot / attached files / a crash. */
  screenshot: z.preprocess(blankToUndefined, z.literal('1', { error: 'ожидается 1 (только со снимком экрана)' }).optional()),
  files: z.preprocess(blankToUndefined, z.literal('1', { error: 'ожидается 1 (только с приложенными файлами)' }).optional()),
  crash: z.preprocess(blankToUndefined, z.literal('1', { error: 'ожидается 1 (только с аварийным завершением)' }).optional()),
  /** A category of the error chain, exact (`NetworkError`). */
  category: z.preprocess(blankToUndefined, z.string({ error: 'ожидается одна категория' }).max(100, 'слишком длинное имя категории').optional()),
  /** The sort value of the cursor's row (with before/after): pages stay put while counts move. */
  key: z.preprocess(blankToUndefined, z.string().max(40, 'слишком длинный ключ страницы').optional()),
});
