import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { PluginRefusedError } from '../../sim/errors';
import { discoverPlugins } from '../../sim/plugins/discover';
import {
  backupFileName,
  checkUpdateTarget,
  isBackupFile,
  MANIFEST_FILE,
  readPluginFile,
  routeOfUpdate,
  unpackPluginFile,
  writePluginFile,
} from '../../sim/plugins/file-format';

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

const PKG = { name: 'tiny', version: '1.2.3', main: 'lib/index.js', required_licenses: [50100] };

/** Writes a plugin folder: package.json and the given files. */
async function stage(dir: string, files: Record<string, string>, pkg: object = PKG): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), body);
  }
  return dir;
}

/** A zip with exactly these entries (a manifest listing `listed`, checksums computed from `listed`). */
async function craft(file: string, entries: Record<string, string>, listed: Record<string, string> = entries, manifest: object = {}): Promise<string> {
  const zip = new JSZip();
  const files = Object.fromEntries(
    Object.entries(listed).map(([name, body]) => [name, { size: Buffer.byteLength(body), sha256: sha256(Buffer.from(body)) }]),
  );
  zip.file(MANIFEST_FILE, JSON.stringify({ format: 'kserver-plugin', formatVersion: 1, route: 'tiny', name: 'tiny', version: '1.2.3', files, ...manifest }));
  for (const [name, body] of Object.entries(entries)) zip.file(name, body, { createFolders: false });
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer' }));
  return file;
}

async function refusal(file: string): Promise<string> {
  try {
    await readPluginFile(file);
  } catch (err) {
    assert.ok(err instanceof PluginRefusedError, String(err));
    return err.reason;
  }
  assert.fail('the file was accepted');
}

describe('production file format (sim/plugins/file-format.ts)', () => {
  let root: string;
  const good = { 'package.json': JSON.stringify(PKG), 'lib/index.js': 'module.exports = 1;\n' };
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'kplugin-format-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  describe('names', () => {
    it('an update is <route>.kplugin.update; anything else is not', () => {
      assert.equal(routeOfUpdate('pult.kplugin.update'), 'pult');
      assert.equal(routeOfUpdate('my.plugin.kplugin.update'), 'my.plugin');
      for (const name of ['pult.kplugin', 'pult.update', '.kplugin.update', 'pult.update.kplugin']) assert.equal(routeOfUpdate(name), undefined, name);
    });

    it('backups are <route>.DD-MM-YYYY, then -2, -3 on the same day', () => {
      const day = new Date(2026, 10, 3);
      const taken = new Set(['pult.03-11-2026', 'pult.03-11-2026-2']);
      assert.equal(backupFileName('pult', day, () => false), 'pult.03-11-2026');
      assert.equal(backupFileName('pult', day, (n) => taken.has(n)), 'pult.03-11-2026-3');
      for (const name of ['pult.03-11-2026', 'pult.03-11-2026-3']) assert.ok(isBackupFile(name), name);
      assert.ok(!isBackupFile('pult.kplugin'));
    });

    it('discovery skips updates and backups and finds the plugin file', async () => {
      const dir = path.join(root, 'discover');
      await mkdir(dir, { recursive: true });
      for (const name of ['pult.kplugin', 'pult.kplugin.update', 'pult.03-11-2026', 'pult.03-11-2026-2']) await writeFile(path.join(dir, name), 'x');
      const found = await discoverPlugins(dir);
      assert.deepEqual(found.plugins.map((p) => [p.route, p.kind, path.basename(p.path)]), [['pult', 'file', 'pult.kplugin']]);
      assert.deepEqual(found.skipped, []);
    });
  });

  describe('writing and reading', () => {
    it('round-trips a plugin folder: same files, same bytes, a manifest listing each', async () => {
      const src = await stage(path.join(root, 'stage'), { 'lib/index.js': 'module.exports = 1;\n', 'templates/static/a.css': 'a{}' });
      const file = path.join(root, 'out', 'tiny.kplugin');
      const written = await writePluginFile(src, file, 'tiny');
      assert.equal(written.files, 4);
      const archive = await readPluginFile(file);
      assert.deepEqual(
        { route: archive.manifest.route, name: archive.manifest.name, version: archive.manifest.version },
        { route: 'tiny', name: 'tiny', version: '1.2.3' },
      );
      assert.deepEqual([...archive.entries.keys()].sort(), ['lib/index.js', 'package.json', 'templates/static/a.css']);
      const out = path.join(root, 'unpacked');
      await unpackPluginFile(archive, out);
      for (const name of archive.entries.keys()) {
        assert.deepEqual(await readFile(path.join(out, name)), await readFile(path.join(src, name)), name);
      }
      assert.deepEqual(fs.readdirSync(path.join(root, 'out')), ['tiny.kplugin'], 'no temporary file left');
    });

    it('packs the same folder into the same bytes', async () => {
      const src = await stage(path.join(root, 'stage-same'), { 'lib/index.js': 'x' });
      await writePluginFile(src, path.join(root, 'same-1.kplugin'), 'tiny');
      await writePluginFile(src, path.join(root, 'same-2.kplugin'), 'tiny');
      assert.deepEqual(await readFile(path.join(root, 'same-1.kplugin')), await readFile(path.join(root, 'same-2.kplugin')));
    });
  });

  describe('refusals, each with a reason for a person', () => {
    const cases: [string, (file: string) => Promise<unknown>, RegExp][] = [
      ['not a zip', (f) => writeFile(f, 'hello'), /не архив плагина/],
      ['a zip without kplugin.json', async (f) => writeFile(f, await new JSZip().file('a.txt', 'a').generateAsync({ type: 'nodebuffer' })), /нет kplugin\.json/],
      ['another format', (f) => craft(f, good, good, { format: 'other' }), /формат «other»/],
      ['a newer format version', (f) => craft(f, good, good, { formatVersion: 2 }), /версия формата 2 не поддерживается/],
      ['an entry outside the folder (zip slip)', (f) => craft(f, { ...good, '../evil.js': 'x' }), /недопустимое имя в архиве «\.\.\/evil\.js»/],
      ['an absolute entry', (f) => craft(f, { ...good, '/etc/evil': 'x' }), /недопустимое имя/],
      ['a backslash entry', (f) => craft(f, { ...good, '..\\evil.js': 'x' }), /недопустимое имя/],
      ['an entry the manifest does not list', (f) => craft(f, { ...good, 'extra.js': 'x' }, good), /«extra\.js» не указан/],
      ['a listed entry that is missing', (f) => craft(f, good, { ...good, 'gone.js': 'x' }), /нет файла «gone\.js»/],
      ['content that does not match its checksum', (f) => craft(f, { ...good, 'lib/index.js': 'changed' }, good), /контрольная сумма «lib\/index\.js»/],
      [
        'no required_licenses',
        (f) => {
          const pkg = JSON.stringify({ ...PKG, required_licenses: [] });
          return craft(f, { ...good, 'package.json': pkg });
        },
        /нет required_licenses/,
      ],
      [
        'main not in the archive',
        (f) => {
          const pkg = JSON.stringify({ ...PKG, main: 'nowhere.js' });
          return craft(f, { ...good, 'package.json': pkg });
        },
        /нет модуля main «nowhere\.js»/,
      ],
      ['kplugin.json and package.json disagree', (f) => craft(f, good, good, { name: 'other' }), /расходятся/],
    ];
    for (const [what, make, expected] of cases) {
      it(`refuses ${what}`, async () => {
        const file = path.join(root, `case-${cases.findIndex((c) => c[0] === what)}.kplugin`);
        await make(file);
        assert.match(await refusal(file), expected);
      });
    }

    it('an update must name the same route and the installed package', async () => {
      const src = await stage(path.join(root, 'stage-update'), { 'lib/index.js': 'x' });
      await writePluginFile(src, path.join(root, 'u.kplugin'), 'tiny');
      const archive = await readPluginFile(path.join(root, 'u.kplugin'));
      assert.doesNotThrow(() => checkUpdateTarget(archive, 'tiny', 'tiny'));
      assert.doesNotThrow(() => checkUpdateTarget(archive, 'tiny', undefined));
      assert.throws(() => checkUpdateTarget(archive, 'pult', undefined), /для маршрута \/tiny, а не \/pult/);
      assert.throws(() => checkUpdateTarget(archive, 'tiny', 'pult'), /это плагин «tiny», а на маршруте \/tiny установлен «pult»/);
    });
  });
});
