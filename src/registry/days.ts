/**
 * The day a report counts on, for the per-day figures (sparklines, charts, "новая сегодня",
 * trend): the Moscow calendar day of the moment pult received it, as the pages show times.
 * Moscow keeps UTC+3 all year (since 2014), so the day is plain arithmetic — SQL does the
 * same with date(t, '+3 hours').
 */
const MOSCOW_OFFSET_MS = 3 * 3600_000;

/** 'YYYY-MM-DD' of an ISO time or epoch ms, in Moscow. */
export function dayOf(time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return new Date(ms + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** The day `n` days before `day` ('YYYY-MM-DD'). */
export function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

/** The Moscow day as a small number (days since 1970-01-01), compact enough for every report row. */
export function dayNumber(time: string | number): number {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Math.floor((ms + MOSCOW_OFFSET_MS) / 86_400_000);
}

/**
 * Does this report add a computer to its error's count for the day? A computer new to the
 * error does; a repeat folded into the computer's report does when that report was last
 * received on an earlier day (`reports.last_day`; unknown for rows of earlier versions,
 * which then count). A report with attached files from a computer the error already knows
 * adds none: its earlier days are not looked up (the per-day computers are a close count,
 * the error's total is exact).
 */
export function addsComputerToday(today: number, newComputer: boolean, foldedLastDay: number | null | undefined): boolean {
  if (newComputer) return true;
  return foldedLastDay !== undefined && (foldedLastDay === null || foldedLastDay < today);
}
