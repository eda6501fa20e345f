import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverPlugins } from '../../sim/plugins/discover';

describe('plugin discovery', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ksim-discover-'));
    const plugins = path.join(dir, 'plugins');
    await mkdir(path.join(dir, 'elsewhere', 'linked'), { recursive: true });
    await mkdir(path.join(plugins, 'arm'), { recursive: true });
    await mkdir(path.join(plugins, '.hidden'));
    await mkdir(path.join(plugins, '_disabled'));
    await symlink(path.join(dir, 'elsewhere', 'linked'), path.join(plugins, 'via-link'), 'dir');
    await symlink(path.join(dir, 'nowhere'), path.join(plugins, 'broken-link'));
    await writeFile(path.join(plugins, 'reports.kplugin'), 'x');
    await writeFile(path.join(plugins, 'reports.23-11-2026'), 'old version');
    await writeFile(path.join(plugins, 'arm.kplugin'), 'same route as the folder');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('finds folders (a symlink named by the link) and files (route without the extension)', async () => {
    const found = await discoverPlugins(path.join(dir, 'plugins'));
    assert.deepEqual(
      found.plugins.map((p) => [p.route, p.kind, path.basename(p.path)]),
      [
        ['arm', 'folder', 'arm'],
        ['reports', 'file', 'reports.kplugin'],
        ['via-link', 'folder', 'via-link'],
      ],
    );
  });

  it('skips hidden, "_" and backup names silently, and reports broken links and route clashes', async () => {
    const found = await discoverPlugins(path.join(dir, 'plugins'));
    assert.deepEqual(
      found.skipped.map((s) => s.name),
      ['arm.kplugin', 'broken-link'],
    );
    assert.match(found.skipped[0]!.reason, /маршрут \/arm уже занят/);
  });

  it('creates a missing plugins folder and finds nothing in it', async () => {
    const found = await discoverPlugins(path.join(dir, 'not-yet'));
    assert.deepEqual(found, { plugins: [], skipped: [] });
  });
});
