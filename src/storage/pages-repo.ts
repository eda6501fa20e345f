import type { Database } from 'sql.js';
import { all, get } from './sql';

/**
 * Read queries of the s/ pages. Lists are keyset-paged by id (never OFFSET): every query
 * here walks an index (checked by test/pages/query-plans.test.ts).
 */

export interface ErrorRow {
  id: number;
  config_name: string;
  config_version: string;
  extensions: string;
  texts: string;
  stack_hash: string;
  detailed: number;
  first_seen: string;
  last_seen: string;
  reports_total: number;
  computers: number;
  problem_id: number | null;
}

export interface ReportRow {
  id: number;
  received_at: string;
  time: string;
  count: number;
  client_id: string | null;
  has_files: number;
  user_name: string | null;
  ip: string | null;
  app_version: string | null;
  app_name: string | null;
  platform_type: string | null;
  server_type: string | null;
  server_version: string | null;
  data_separation: string | null;
  dbms: string | null;
  change_enabled: number | null;
  user_agent: string | null;
  descriptions: string;
  zip_size: number;
  /** NULL: stored before these flags were kept (unknown). */
  has_screenshot: number | null;
  crashed: number | null;
}

export interface ErrorFilter {
  config?: string;
  version?: string;
}

/** A page boundary: rows older than `before`, or newer than `after` (the link back). */
export type Cursor = { before: number } | { after: number };

export interface Facet {
  config_name: string;
  config_version: string;
  n: number;
}

const ERROR_COLUMNS = `id, config_name, config_version, extensions, texts, stack_hash, detailed, first_seen, last_seen,
  reports_total, computers, problem_id`;

/** A report row with its environment (report_envs, migration 18): a rowid lookup per row. */
const REPORT_COLUMNS = `reports.id, received_at, time, count, client_id, has_files, user_name, ip, app_version, app_name, platform_type,
  server_type, server_version, data_separation, dbms, change_enabled, user_agent, descriptions, zip_size, has_screenshot, crashed`;
const WITH_ENV = 'LEFT JOIN report_envs ON report_envs.id = reports.env_id';

type FilterKind = 'all' | 'config' | 'version' | 'both';

/**
 * One constant WHERE prefix per filter shape, so each shape gets its own index
 * (rowid; errors_by_config_id; errors_by_version; errors_by_config) — a single text with
 * "(:config IS NULL OR …)" would defeat them all. The SQL texts below are built once, at
 * load time, from these constants only: nothing from a request ever enters them.
 */
const WHERE: Record<FilterKind, string> = {
  all: '',
  config: 'config_name = :config AND',
  version: 'config_version = :version AND',
  both: 'config_name = :config AND config_version = :version AND',
};

function errorQueries(where: string) {
  return {
    older: `SELECT ${ERROR_COLUMNS} FROM errors WHERE ${where} id < :id ORDER BY id DESC LIMIT :limit`,
    newer: `SELECT ${ERROR_COLUMNS} FROM errors WHERE ${where} id > :id ORDER BY id ASC LIMIT :limit`,
    anyOlder: `SELECT 1 AS x FROM errors WHERE ${where} id < :id LIMIT 1`,
    anyNewer: `SELECT 1 AS x FROM errors WHERE ${where} id > :id LIMIT 1`,
  };
}

const ERROR_SQL: Record<FilterKind, ReturnType<typeof errorQueries>> = {
  all: errorQueries(WHERE.all),
  config: errorQueries(WHERE.config),
  version: errorQueries(WHERE.version),
  both: errorQueries(WHERE.both),
};

function kindOf(f: ErrorFilter): FilterKind {
  if (f.config !== undefined && f.version !== undefined) return 'both';
  if (f.config !== undefined) return 'config';
  if (f.version !== undefined) return 'version';
  return 'all';
}

function filterParams(f: ErrorFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.config !== undefined) p[':config'] = f.config;
  if (f.version !== undefined) p[':version'] = f.version;
  return p;
}

/** A page of errors, newest first. */
export function listErrors(db: Database, filter: ErrorFilter, cursor: Cursor, limit: number): ErrorRow[] {
  const sql = ERROR_SQL[kindOf(filter)];
  const params = filterParams(filter);
  if ('after' in cursor) {
    return all<ErrorRow>(db, sql.newer, { ...params, ':id': cursor.after, ':limit': limit }).reverse();
  }
  return all<ErrorRow>(db, sql.older, { ...params, ':id': cursor.before, ':limit': limit });
}

/** Whether the filter matches an error older (smaller id) / newer than `id`. */
export function hasErrorsBeyond(db: Database, filter: ErrorFilter, id: number, side: 'older' | 'newer'): boolean {
  const sql = ERROR_SQL[kindOf(filter)];
  return get(db, side === 'older' ? sql.anyOlder : sql.anyNewer, { ...filterParams(filter), ':id': id }) !== undefined;
}

/** How many errors each configuration and version has (a walk of errors_by_config). */
export function errorFacets(db: Database): Facet[] {
  return all<Facet>(
    db,
    'SELECT config_name, config_version, COUNT(*) AS n FROM errors GROUP BY config_name, config_version ORDER BY config_name, config_version',
  );
}

/** The newest error id: changes whenever an error is added (an index lookup, not a walk). */
/** Rows changed on this connection since it opened: moves with every write, read in O(1). */
export function changesSoFar(db: Database): number {
  return get<{ n: number }>(db, 'SELECT total_changes() AS n')!.n;
}

export function newestErrorId(db: Database): number {
  return get<{ id: number | null }>(db, 'SELECT MAX(id) AS id FROM errors')?.id ?? 0;
}

export function findError(db: Database, id: number): ErrorRow | undefined {
  return get<ErrorRow>(db, `SELECT ${ERROR_COLUMNS} FROM errors WHERE id = ?`, [id]);
}

const REPORTS_OLDER = `SELECT ${REPORT_COLUMNS} FROM reports INDEXED BY reports_by_error ${WITH_ENV}
  WHERE error_id = :error AND reports.id < :id ORDER BY reports.id DESC LIMIT :limit`;
const REPORTS_NEWER = `SELECT ${REPORT_COLUMNS} FROM reports INDEXED BY reports_by_error ${WITH_ENV}
  WHERE error_id = :error AND reports.id > :id ORDER BY reports.id ASC LIMIT :limit`;

/** A page of an error's reports, newest first. */
export function listReports(db: Database, errorId: number, cursor: Cursor, limit: number): ReportRow[] {
  if ('after' in cursor) {
    return all<ReportRow>(db, REPORTS_NEWER, { ':error': errorId, ':id': cursor.after, ':limit': limit }).reverse();
  }
  return all<ReportRow>(db, REPORTS_OLDER, { ':error': errorId, ':id': cursor.before, ':limit': limit });
}

export function hasReportsBeyond(db: Database, errorId: number, id: number, side: 'older' | 'newer'): boolean {
  const sql =
    side === 'older'
      ? 'SELECT 1 AS x FROM reports INDEXED BY reports_by_error WHERE error_id = ? AND id < ? LIMIT 1'
      : 'SELECT 1 AS x FROM reports INDEXED BY reports_by_error WHERE error_id = ? AND id > ? LIMIT 1';
  return get(db, sql, [errorId, id]) !== undefined;
}

export interface ReportFile {
  error_id: number;
  zip_name: string;
}

/** The stored zip of a report, found by the report's id (a path never comes from a URL). */
export function findReportFile(db: Database, reportId: number): ReportFile | undefined {
  return get<ReportFile>(db, 'SELECT error_id, zip_name FROM reports WHERE id = ?', [reportId]);
}

export interface StoredReportRow extends ReportRow {
  error_id: number;
  zip_name: string;
}

/** One report with what its page needs from the row (the rest is in its zip). */
export function findReport(db: Database, reportId: number): StoredReportRow | undefined {
  return get<StoredReportRow>(db, `SELECT ${REPORT_COLUMNS}, error_id, zip_name FROM reports ${WITH_ENV} WHERE reports.id = ?`, [reportId]);
}

/** The reports of the same error just before and after `reportId` (in the order pult received them). */
export function neighbourReports(db: Database, errorId: number, reportId: number): { previous?: number; next?: number } {
  const previous = get<{ id: number }>(
    db,
    'SELECT id FROM reports INDEXED BY reports_by_error WHERE error_id = ? AND id < ? ORDER BY id DESC LIMIT 1',
    [errorId, reportId],
  )?.id;
  const next = get<{ id: number }>(db, 'SELECT id FROM reports INDEXED BY reports_by_error WHERE error_id = ? AND id > ? ORDER BY id ASC LIMIT 1', [
    errorId,
    reportId,
  ])?.id;
  return { previous, next };
}
