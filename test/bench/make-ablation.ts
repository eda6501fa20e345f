/**
 * What issue 13's intake work costs, measured against this very checkout without it:
 *   npx tsx test/bench/make-ablation.ts <folder>
 *   npm run bench:pair -- --compare <folder> [--reports 1000000]
 * Makes <folder> a git worktree of HEAD with the day counters and the deferred batches
 * (the search words of reports and errors, the list's orders, merging) switched off — the
 * pages there are broken, intake is otherwise the same code. Fails when a piece it switches
 * off has moved, rather than measuring something else.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const target = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
if (!target) throw new Error('usage: npx tsx test/bench/make-ablation.ts <folder>');
if (fs.existsSync(target)) throw new Error(`${target} exists: remove it (git worktree remove) first`);

execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', target, 'HEAD'], { stdio: 'inherit' });
fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(target, 'node_modules'));

/** Inserts `line` after the one occurrence of `anchor` in the file. */
function after(file: string, anchor: string, line: string): void {
  const p = path.join(target!, file);
  const text = fs.readFileSync(p, 'utf8');
  if (text.split(anchor).length !== 2) throw new Error(`${file}: "${anchor}" is not there exactly once`);
  fs.writeFileSync(p, text.replace(anchor, anchor + line));
}

after('src/storage/registry-repo.ts', 'export function countDay(db: Database, errorId: number, day: string, addsComputer: boolean): void {\n', '  return;\n');
for (const method of ['  reportStored(): void {\n', '  start(): void {\n', '  async catchUp(): Promise<void> {\n']) {
  after('src/registry/deferred-indexes.ts', method, '    return;\n');
}
after('src/registry/deferred-indexes.ts', '  async mergeSegments(): Promise<boolean> {\n', '    return false;\n');
console.log(`${target}: HEAD without the day counters and the deferred batches`);
