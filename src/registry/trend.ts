import { dayOf, daysBefore } from './days';

/**
 * The trend of a problem (sort=trend): reports of the last 24 hours against the daily
 * average of the 7 days before. The counts are per Moscow day (error_days), so the last 24
 * hours are today plus the part of yesterday that falls within them; the 7 days before are
 * the 7 whole days before yesterday. Growth = recent − average: a problem that doubles
 * from 100 a day ranks above one that goes from 0 to 3.
 */
export const TREND_DAYS = 8;

export interface TrendWindow {
  today: string;
  yesterday: string;
  /** First day of the baseline, and of the window as a whole. */
  from: string;
  /** The share of yesterday inside the last 24 hours. */
  yesterdayShare: number;
}

export function trendWindow(now: number): TrendWindow {
  const today = dayOf(now);
  const sinceMidnight = (now - Date.parse(`${today}T00:00:00+03:00`)) / 86_400_000;
  return { today, yesterday: daysBefore(today, 1), from: daysBefore(today, TREND_DAYS), yesterdayShare: Math.max(0, 1 - sinceMidnight) };
}

/** A problem's reports in the window's parts: today, yesterday, and the 7 days before yesterday. */
export interface WindowCounts {
  problem_id: number;
  today: number;
  yesterday: number;
  before: number;
}

/**
 * Growth per problem: the last 24 hours less the daily average of the 7 days before.
 * From whole sums (integers), so problems with the same counts get the same growth.
 */
export function trendScores(rows: WindowCounts[], w: TrendWindow): Map<number, number> {
  const scores = new Map<number, number>();
  for (const r of rows) scores.set(r.problem_id, r.today + r.yesterday * w.yesterdayShare - r.before / 7);
  return scores;
}
