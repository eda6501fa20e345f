import type { Status } from '../../diagnostics/status';
import type { RequestFigures } from '../../diagnostics/request-times';
import { formatDateTime, pluralRu, ZONE_LABEL } from '../render';
import type { BoundsFigures } from '../../diagnostics/bounds';
import { formatBytes } from '../../sizes';
import { presentRun } from './clear-view';
import { formatCount } from './present';

const msFormat = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 1 });
const REQUEST_LABELS: Record<string, string> = { pushReport: 'Приём отчёта (pushReport)', getInfo: 'Запрос getInfo' };

/** The status page's figures, formatted for people. */
export function presentStatus(s: Status) {
  const seconds = s.eventLoop.seconds;
  const lastMinute = seconds.slice(-60);
  const worst = [...seconds].sort((a, b) => b.maxMs - a.maxMs).slice(0, 5).filter((x) => x.maxMs > 0);
  const st = s.storage;
  return {
    at: formatDateTime(s.at),
    startedAt: formatDateTime(s.startedAt),
    resetAt: formatDateTime(s.resetAt),
    uptime: formatDuration(s.uptimeSeconds),
    pid: s.pid,
    node: s.node,
    dbOpen: ms(s.startup.dbOpenMs),
    ready: ms(s.startup.readyMs),
    rss: formatBytes(s.memory.rssBytes),
    peakRss: s.memory.peakRssBytes === undefined ? undefined : formatBytes(s.memory.peakRssBytes),
    heap: formatBytes(s.memory.heapUsedBytes),
    external: formatBytes(s.memory.externalBytes),
    loop: {
      lastMinuteMax: ms(Math.max(0, ...lastMinute.map((x) => x.maxMs))),
      windowMax: ms(Math.max(0, ...seconds.map((x) => x.maxMs))),
      windowMinutes: Math.max(1, Math.round(seconds.length / 60)),
      worst: worst.map((x) => ({ at: `${new Date(x.at).toLocaleTimeString('ru-RU', { timeZone: 'Europe/Moscow' })} ${ZONE_LABEL}`, ms: ms(x.maxMs) })),
      sinceReset: { max: ms(s.eventLoop.sinceReset.maxMs), p99: ms(s.eventLoop.sinceReset.p99Ms), busy: percent(s.eventLoop.sinceReset.utilization) },
      sinceStart: { max: ms(s.eventLoop.sinceStart.maxMs), p99: ms(s.eventLoop.sinceStart.p99Ms), busy: percent(s.eventLoop.sinceStart.utilization) },
    },
    requests: Object.keys(REQUEST_LABELS)
      .filter((name) => s.requests.sinceStart[name])
      .map((name) => ({ label: REQUEST_LABELS[name]!, sinceReset: requestText(s.requests.sinceReset[name]), sinceStart: requestText(s.requests.sinceStart[name]) })),
    totals: { errors: formatCount(s.totals.errors), reports: formatCount(s.totals.reports), pendingNotices: formatCount(s.totals.pendingNotices) },
    incomingZips: formatCount(s.incomingZips),
    bounds: s.bounds && presentBounds(s.bounds, st.dbBytes + st.journalBytes),
    storage: {
      db: formatBytes(st.dbBytes),
      journal: formatBytes(st.journalBytes),
      journals: formatCount(st.journalGenerations),
      held: formatBytes(st.heldBytes),
      commits: formatCount(st.commits),
      flushes: formatCount(st.flushes),
      groupSize: msFormat.format(st.averageGroupSize),
      checkpoints: formatCount(st.checkpoints),
      // Before the first checkpoint there is no "last one" to time.
      lastCheckpoint: st.checkpoints > 0 ? ms(st.lastCheckpointMs) : undefined,
      lastCheckpointError: st.lastCheckpointError,
      failed: st.failed,
      readErrors: st.readErrors > 0 ? `${formatCount(st.readErrors)}; последняя: ${st.lastReadError ?? ''}` : undefined,
      // "release 1.16.0" / "debug": the debug build is the slow fallback for an unknown sql.js.
      engine: st.engine.startsWith('release') ? `sql.js ${st.engine.replace('release ', '')}` : 'sql.js, отладочная сборка (медленнее: установлена неизвестная движку версия sql.js)',
    },
  };
}

function presentBounds(b: BoundsFigures, dbBytes: number) {
  return {
    zips: b.zipBytes === undefined ? 'считается' : formatBytes(b.zipBytes),
    db: formatBytes(dbBytes),
    free: b.freeBytes === undefined ? 'неизвестно' : formatBytes(b.freeBytes),
    total: b.totalBytes === undefined ? undefined : formatBytes(b.totalBytes),
    reserve: formatBytes(b.minFreeBytes),
    paused: b.intakePaused,
    retentionRunning: b.retentionRunning && {
      startedAt: formatDateTime(b.retentionRunning.startedAt),
      reports: formatCount(b.retentionRunning.reports),
      bytes: formatBytes(b.retentionRunning.bytes),
    },
    retentionLast: b.retentionLast && presentRun(b.retentionLast),
  };
}

function requestText(f: RequestFigures | undefined): string {
  if (!f || f.count === 0) return 'не было';
  return `${formatCount(f.count)} ${pluralRu(f.count, 'запрос', 'запроса', 'запросов')}; медиана ${ms(f.p50Ms)}, 99% не дольше ${ms(f.p99Ms)}, самый долгий ${ms(f.maxMs)}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function ms(n: number): string {
  return `${msFormat.format(n)} мс`;
}

function formatDuration(totalSeconds: number): string {
  const d = Math.floor(totalSeconds / 86_400);
  const h = Math.floor((totalSeconds % 86_400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (d > 0) return `${d} д ${h} ч ${m} мин`;
  if (h > 0) return `${h} ч ${m} мин`;
  return m > 0 ? `${m} мин ${s} с` : `${s} с`;
}
