import { daysBefore } from '../../registry/days';
import { compareVersions } from '../../registry/version';
import { formatCount } from './present';

/**
 * Per-day bars drawn on the server as inline SVG (no script): the list's 14-day sparkline
 * and the error page's 90-day chart by version. Only numbers reach the SVG; the version
 * names go to the legend as text the template escapes.
 */
export interface Bar {
  x: number;
  y: number;
  h: number;
  /** Index of the series (version) for the colour; 0 for a single series. */
  series: number;
}

export interface DayChart {
  width: number;
  height: number;
  barWidth: number;
  bars: Bar[];
  /** For screen readers and the title: the numbers, oldest day first. */
  label: string;
  total: number;
  legend: { name: string; series: number; reports: string }[];
}

/** The `n` days ending with `today`, oldest first. */
export function lastDays(today: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => daysBefore(today, n - 1 - i));
}

const SPARK = { barWidth: 4, gap: 1, height: 16 };

/** A sparkline of reports per day over `days` (oldest first). */
export function sparkline(rows: { day: string; reports: number }[], days: string[]): DayChart {
  const by = new Map(rows.map((r) => [r.day, r.reports]));
  const values = days.map((d) => by.get(d) ?? 0);
  const max = Math.max(1, ...values);
  const step = SPARK.barWidth + SPARK.gap;
  const bars = values.map((v, i) => {
    // A day with reports is at least one pixel high: one report is not "nothing".
    const h = v === 0 ? 0 : Math.max(1, Math.round((v / max) * SPARK.height));
    return { x: i * step, y: SPARK.height - h, h, series: 0 };
  });
  return {
    width: days.length * step - SPARK.gap,
    height: SPARK.height,
    barWidth: SPARK.barWidth,
    bars: bars.filter((b) => b.h > 0),
    label: `Отчётов по дням за ${days.length} дней: ${values.join(', ')}`,
    total: values.reduce((a, b) => a + b, 0),
    legend: [],
  };
}

/** Versions drawn apart; the rest share one colour. */
const MAX_SERIES = 5;
const CHART = { barWidth: 6, gap: 1, height: 80 };

/** Stacked bars of reports per day and version over `days` (oldest first), newest versions first in the legend. */
export function versionChart(rows: { version: string; day: string; reports: number }[], days: string[]): DayChart {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.version, (totals.get(r.version) ?? 0) + r.reports);
  const versions = [...totals.keys()].sort((a, b) => compareVersions(b, a));
  const shown = versions.slice(0, MAX_SERIES - (versions.length > MAX_SERIES ? 1 : 0));
  const seriesOf = (v: string) => (shown.includes(v) ? shown.indexOf(v) : shown.length);
  const perDay = new Map<string, number[]>();
  for (const r of rows) {
    const s = perDay.get(r.day) ?? new Array(shown.length + 1).fill(0);
    s[seriesOf(r.version)] += r.reports;
    perDay.set(r.day, s);
  }
  const dayTotals = days.map((d) => (perDay.get(d) ?? []).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...dayTotals);
  const step = CHART.barWidth + CHART.gap;
  const bars: Bar[] = [];
  days.forEach((d, i) => {
    let top = CHART.height;
    (perDay.get(d) ?? []).forEach((v, series) => {
      if (v === 0) return;
      const h = Math.max(1, Math.round((v / max) * CHART.height));
      top -= h;
      bars.push({ x: i * step, y: Math.max(0, top), h, series });
    });
  });
  const legend = shown.map((v, series) => ({ name: v, series, reports: formatCount(totals.get(v)!) }));
  if (versions.length > shown.length) {
    const rest = versions.slice(shown.length).reduce((n, v) => n + totals.get(v)!, 0);
    legend.push({ name: `другие версии (${versions.length - shown.length})`, series: shown.length, reports: formatCount(rest) });
  }
  const total = dayTotals.reduce((a, b) => a + b, 0);
  return {
    width: days.length * step - CHART.gap,
    height: CHART.height,
    barWidth: CHART.barWidth,
    bars,
    label: `Отчётов по дням за ${days.length} дней, всего ${total}: ${legend.map((l) => `${l.name} — ${l.reports}`).join('; ')}`,
    total,
    legend,
  };
}
