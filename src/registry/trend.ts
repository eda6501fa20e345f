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

/** Growth per problem from its day rows (days before `w.from` are ignored). */
export function trendScores(rows: { problem_id: number; day: string; reports: number }[], w: TrendWindow): Map<number, number> {
  const scores = new Map<number, number>();
  for (const r of rows) {
    let add: number;
    if (r.day === w.today) add = r.reports;
    else if (r.day === w.yesterday) add = r.reports * w.yesterdayShare;
    else if (r.day >= w.from && r.day < w.yesterday) add = -r.reports / 7;
    else continue;
    scores.set(r.problem_id, (scores.get(r.problem_id) ?? 0) + add);
  }
  return scores;
}
