import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';

/**
 * fixtures/storage-v2 (made before issue 15, see upgrade-attachments.test.ts): nine samples,
 * their categories only in the zips, their reports without screenshot or crash flags
 * (those came with migration 7). The upgrade to the list filters of issue 13 counts what
 * the rows know and fills the categories from the zips in the background.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'storage-v2');

describe('upgrading a database made before the problem list filtered by files, screenshot, crash and category', () => {
  let t: PultSim;
  let categories: { error_id: number; category: string }[];
  let problems: { id: number; files: number; screenshots: number; crashes: number; texts: string }[];
  let meta: unknown[];
  const problemOf = new Map<number, number>();

  before(async () => {
    t = await startPultSim({ storageFrom: FIXTURE });
    await waitFor(() => t.lines.find((l) => l.includes('категории сохранённых ошибок: закончена')), 15_000, 'the category backfill');
    await t.stopKeep();
    await withDatabase(t.storage, (db) => {
      categories = rows(db, 'SELECT error_id, category FROM error_categories ORDER BY error_id, category');
      problems = rows(
        db,
        'SELECT p.id, p.files, p.screenshots, p.crashes, (SELECT texts FROM errors WHERE problem_id = p.id ORDER BY id LIMIT 1) AS texts FROM problems p ORDER BY p.id',
      );
      for (const e of rows<{ id: number; problem_id: number }>(db, 'SELECT id, problem_id FROM errors')) problemOf.set(e.id, e.problem_id);
      meta = rows(db, "SELECT key FROM meta WHERE key IN ('backfill_categories_after', 'rescan_attachments_after')");
    });
  });
  after(() => t.cleanup());

  it('gives every stored unique error the categories of its report chain, from the zip', async () => {
    const errors = await withDatabase(t.storage, (db) => rows<{ id: number; detailed: number }>(db, 'SELECT id, detailed FROM errors ORDER BY id'));
    const withCategories = new Set(categories.map((c) => c.error_id));
    for (const e of errors) assert.equal(withCategories.has(e.id), e.detailed === 1, `error ${e.id}`);
    const names = new Set(categories.map((c) => c.category));
    assert.deepEqual([...names].sort(), ['ExceptionRaisedFromScript', 'NetworkError', 'ScriptCompileError']);
  });

  it('counts the stored reports with attached files per problem, the rescan’s late find included; no screenshot or crash is known for old rows', () => {
    const withFiles = problems.filter((p) => p.files > 0).map((p) => JSON.parse(p.texts)[0] as string);
    assert.equal(withFiles.length, 2, JSON.stringify(problems));
    assert.ok(problems.every((p) => p.screenshots === 0 && p.crashes === 0));
    // The compile error's unlisted attached file was found by the rescan after the migration
    // (migration 17's trigger counted it); the other is with-attached-file's listed one.
    const compile = categories.find((c) => c.category === 'ScriptCompileError')!;
    const compileProblem = problems.find((p) => p.id === problemOf.get(compile.error_id))!;
    assert.equal(compileProblem.files, 1);
  });

  it('leaves no pass due', () => {
    assert.deepEqual(meta, []);
  });
});
