import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile, parseConfig } from '../../sim/config-load';
import { ConfigError } from '../../sim/errors';

const MINIMAL = { pluginsDir: 'p', storageDir: 's', outboxDir: 'o' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('simulator configuration', () => {
  it('fills the documented defaults', () => {
    const c = parseConfig(MINIMAL, '/base');
    assert.equal(c.port, 8087);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.logsDir, null);
    assert.equal(c.runDir, null);
    assert.equal(c.shutdownTimeoutMs, 10000);
    assert.equal(c.initTimeoutMs, 15000);
    assert.equal(c.seatTtlSeconds, 900);
    assert.equal(c.restartDelayMs, 1000);
    assert.deepEqual(c.server, { hostname: 'localhost', protocol: 'http', preferredVDir: '' });
    assert.equal(c.legacyJsonResults, false);
    assert.equal(c.methods, undefined);
  });

  it('resolves relative paths against the base folder and keeps absolute ones', () => {
    const c = parseConfig({ ...MINIMAL, logsDir: 'logs', runDir: '/tmp/run' }, '/base/dir');
    assert.equal(c.pluginsDir, '/base/dir/p');
    assert.equal(c.storageDir, '/base/dir/s');
    assert.equal(c.outboxDir, '/base/dir/o');
    assert.equal(c.logsDir, '/base/dir/logs');
    assert.equal(c.runDir, '/tmp/run');
  });

  it('lists every problem at once, with its path, in Russian', () => {
    const problems = problemsOf(() =>
      parseConfig({ pluginsDir: 'p', storageDir: 's', port: 'x', server: { protocol: 'ftp' }, typo: 1 }, '/'),
    );
    const text = problems.join('\n');
    assert.match(text, /^outboxDir: /m);
    assert.match(text, /^port: .*ожидалось число/m);
    assert.match(text, /^server\.protocol: /m);
    assert.match(text, /typo/);
  });

  it('rejects references to users, groups and sessions that do not exist', () => {
    const problems = problemsOf(() =>
      parseConfig(
        {
          ...MINIMAL,
          groups: [{ id: 1, name: 'A' }],
          users: [
            { id: 1, login: 'a', groups: [1, 2] },
            { id: 1, login: 'a' },
          ],
          sessions: [{ id: 5, user: 'nobody' }],
          grants: [{ feature: 50101, users: ['ghost'], groups: [9] }],
          licenses: [
            { id: 50100, name: 'x', seats: 1 },
            { id: 50100, name: 'y', seats: 2 },
          ],
        },
        '/',
      ),
    );
    const text = problems.join('\n');
    assert.match(text, /users\.0\.groups\.1: нет группы с id 2/);
    assert.match(text, /users\.1\.login: логин «a» повторяется/);
    assert.match(text, /users\.1\.id: id 1 повторяется/);
    assert.match(text, /sessions\.0\.user: нет пользователя с логином «nobody»/);
    assert.match(text, /grants\.0\.users\.0: .*«ghost»/);
    assert.match(text, /grants\.0\.groups\.0: нет группы с id 9/);
    assert.match(text, /licenses\.1: лицензия 50100 версии 0 повторяется/);
  });

  it('rejects an unknown API method name and a bad expiry date', () => {
    const text = problemsOf(() =>
      parseConfig({ ...MINIMAL, methods: ['UserInfo', 'Nope'], licenses: [{ id: 1, name: 'x', seats: 1, expires: 'soon' }] }, '/'),
    ).join('\n');
    assert.match(text, /methods\.1/);
    assert.match(text, /licenses\.0\.expires: ожидалась дата/);
  });

  describe('from a file', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ksim-config-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('resolves paths against the file\'s folder and applies overrides', async () => {
      const file = path.join(dir, 'sim.json');
      await writeFile(file, JSON.stringify(MINIMAL));
      const c = loadConfigFile(file, { port: 0 });
      assert.equal(c.pluginsDir, path.join(dir, 'p'));
      assert.equal(c.port, 0);
    });

    it('names the file when it is not JSON', async () => {
      const file = path.join(dir, 'broken.json');
      await writeFile(file, '{ "port": ');
      const err = (() => {
        try {
          loadConfigFile(file);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /broken\.json/);
      assert.match(err.problems[0]!, /не JSON/);
    });
  });
});
