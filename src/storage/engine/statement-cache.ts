import type { Database, Statement } from 'sql.js';

const MAX_STATEMENTS = 200;

/**
 * Prepared statements cached by SQL text, least recently used evicted. Statements stay
 * valid for the life of the database because the engine never calls db.export().
 */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (stmt) {
      this.cache.delete(sql);
      stmt.reset();
    } else {
      stmt = this.db.prepare(sql);
      if (this.cache.size >= MAX_STATEMENTS) {
        const [oldest, old] = this.cache.entries().next().value as [string, Statement];
        this.cache.delete(oldest);
        old.free();
      }
    }
    this.cache.set(sql, stmt);
    return stmt;
  }

  clear(): void {
    for (const stmt of this.cache.values()) stmt.free();
    this.cache.clear();
  }
}
