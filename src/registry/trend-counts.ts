import type { Database } from 'sql.js';
import { problemWindowCounts, type ProblemWindowCounts } from '../storage/problem-list-repo';
import { tuples } from '../storage/sql';
import type { TrendWindow } from './trend';

/**
 * Reports per problem in the trend window (registry/trend.ts), held in memory: sort=trend's
 * first page after a write summed the window's error_days rows anew — 10k rows at 100k
 * errors, 12–26 ms (bench:pages) of the 50 the page may take. Here the window is read once a day (or
 * after a big change), and then only the errors SQLite says changed are read again: the
 * temporary triggers below note an error whose days, problem or existence changed, whoever
 * changed them (intake, a merge, a clear), and `countsOf` re-reads those errors' rows of
 * the window. Re-reading what is committed, not adding deltas, keeps a rolled-back write
 * out of the sums.
 */
const NOTE_FN = 'pult_error_days_changed';
const TRIGGERS = `
  CREATE TEMP TRIGGER IF NOT EXISTS pult_trend_day_insert AFTER INSERT ON main.error_days BEGIN SELECT ${NOTE_FN}(new.error_id); END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_trend_day_update AFTER UPDATE ON main.error_days
    BEGIN SELECT ${NOTE_FN}(new.error_id); SELECT ${NOTE_FN}(old.error_id) WHERE old.error_id <> new.error_id; END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_trend_day_delete AFTER DELETE ON main.error_days BEGIN SELECT ${NOTE_FN}(old.error_id); END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_trend_error_moved AFTER UPDATE OF problem_id ON main.errors BEGIN SELECT ${NOTE_FN}(new.id); END;
  CREATE TEMP TRIGGER IF NOT EXISTS pult_trend_error_delete AFTER DELETE ON main.errors BEGIN SELECT ${NOTE_FN}(old.id); END;`;

/** Per error: its problem and its reports in the window's parts. */
const PER_ERROR = `
  SELECT d.error_id, e.problem_id, SUM(CASE WHEN d.day = :today THEN d.reports ELSE 0 END),
         SUM(CASE WHEN d.day = :yesterday THEN d.reports ELSE 0 END), SUM(CASE WHEN d.day < :yesterday THEN d.reports ELSE 0 END)`;
/** Every error with reports in the window. */
const WINDOW_ERRORS = `${PER_ERROR}
    FROM error_days d INDEXED BY error_days_by_day JOIN errors e INDEXED BY errors_problem_by_id ON e.id = d.error_id
   WHERE d.day >= :from AND d.day <= :today GROUP BY d.error_id`;
/** The errors among :ids (one gone or out of the window: no row). */
const ERRORS_AMONG = `${PER_ERROR}
    FROM error_days d JOIN errors e INDEXED BY errors_problem_by_id ON e.id = d.error_id
   WHERE d.error_id IN (SELECT value FROM json_each(:ids)) AND d.day >= :from AND d.day <= :today GROUP BY d.error_id`;

type ErrorRow = [errorId: number, problemId: number, today: number, yesterday: number, before: number];

/** Beyond this many noted errors a new read of the whole window is cheaper (and the notes stop growing). */
const NOTED_MAX = 20_000;

interface Sums {
  today: number;
  yesterday: number;
  before: number;
  /** Errors of the problem in the window: at 0 the problem leaves it. */
  errors: number;
}

export class TrendCounts {
  /** The window's last day (the rest follow from it); undefined: not read (or dropped). */
  private today: string | undefined;
  private readonly perError = new Map<number, ErrorRow>();
  private readonly perProblem = new Map<number, Sums>();
  private readonly noted = new Set<number>();
  private db: Database | undefined;

  /** Puts the triggers on this connection (once per connection). */
  watch(db: Database): void {
    if (this.db === db) return;
    db.create_function(NOTE_FN, (id: number) => {
      // Called from inside SQLite, with every report: nothing here may throw, and while
      // nothing is held there is nothing to note.
      if (this.today === undefined) return null;
      this.noted.add(id);
      if (this.noted.size > NOTED_MAX) this.drop();
      return null;
    });
    db.exec(TRIGGERS);
    this.db = db;
    this.drop();
  }

  /** Errors noted since the last read (for tests and checks). */
  get pending(): number {
    return this.noted.size;
  }

  /**
   * Reports per active problem in the window's parts, as problemWindowCounts sums them from
   * the database now. On a connection not watched, that sum itself.
   */
  countsOf(db: Database, w: TrendWindow): ProblemWindowCounts[] {
    if (db !== this.db) return problemWindowCounts(db, w);
    const days = { ':from': w.from, ':yesterday': w.yesterday, ':today': w.today };
    if (this.today !== w.today) {
      const rows = tuples<ErrorRow>(db, WINDOW_ERRORS, days);
      this.drop();
      for (const row of rows) this.add(row);
      this.today = w.today;
    } else if (this.noted.size > 0) {
      const ids = [...this.noted];
      const rows = tuples<ErrorRow>(db, ERRORS_AMONG, { ...days, ':ids': JSON.stringify(ids) });
      // Only once read: a failed read leaves them noted for the next one.
      this.noted.clear();
      for (const id of ids) this.remove(id);
      for (const row of rows) this.add(row);
    }
    return [...this.perProblem].map(([problem_id, s]) => ({ problem_id, today: s.today, yesterday: s.yesterday, before: s.before }));
  }

  private drop(): void {
    this.today = undefined;
    this.perError.clear();
    this.perProblem.clear();
    this.noted.clear();
  }

  private add(row: ErrorRow): void {
    const [errorId, problemId, today, yesterday, before] = row;
    this.perError.set(errorId, row);
    const s = this.perProblem.get(problemId);
    if (s) (s.today += today), (s.yesterday += yesterday), (s.before += before), s.errors++;
    else this.perProblem.set(problemId, { today, yesterday, before, errors: 1 });
  }

  private remove(errorId: number): void {
    const row = this.perError.get(errorId);
    if (!row) return;
    this.perError.delete(errorId);
    const [, problemId, today, yesterday, before] = row;
    const s = this.perProblem.get(problemId)!;
    if (--s.errors === 0) this.perProblem.delete(problemId);
    else (s.today -= today), (s.yesterday -= yesterday), (s.before -= before);
  }
}
