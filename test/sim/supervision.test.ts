import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { nextEvent, request, startTestSim, type TestSim } from './helpers';

describe('supervision of plugin processes', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim({ crashy: 'probe', dies: 'dies-in-init', locked: 'needs-license' }, { restartDelayMs: 300 });
  });
  after(() => t?.stop());

  it('restarts a plugin that exits after initialisation, with a fresh socket; the route answers 503 meanwhile', async () => {
    const crashy = t.sim.plugins.get('crashy')!;
    const [pid, socket] = [crashy.pid, crashy.socketPath];
    const exited = nextEvent(t.sim.events, 'plugin-exited', (e) => e.route === 'crashy');
    const restarted = nextEvent(t.sim.events, 'plugin-restarted', (e) => e.route === 'crashy');

    assert.equal((await request(`${t.sim.url}/crashy/crash`)).status, 200);
    assert.deepEqual(await exited, { route: 'crashy', pid, code: 1, signal: null, phase: 'run' });
    const meanwhile = await request(`${t.sim.url}/crashy/echo`);
    assert.equal(meanwhile.status, 503);
    assert.match(meanwhile.text, /перезапускается после сбоя/);

    const again = await restarted;
    assert.notEqual(again.pid, pid);
    assert.notEqual(again.socketPath, socket);
    assert.equal(existsSync(socket!), false, 'the old socket is removed');
    assert.equal(crashy.restarts, 1);
    const globals = (await request(`${t.sim.url}/crashy/globals`)).json();
    assert.equal(globals.SocketPath, again.socketPath);
    assert.ok(t.lines.some((l) => /\[crashy\] процесс завершился \(код 1\); перезапуск через 300 мс/.test(l)));
  });

  it('does not restart a plugin that dies during initialisation', async () => {
    const dies = t.sim.plugins.get('dies')!;
    assert.equal(dies.status, 'failed');
    assert.match(dies.reason!, /код 3/);
    await sleep(700);
    assert.equal(dies.status, 'failed');
    assert.equal(t.lines.filter((l) => l.includes('[dies] запускается')).length, 1);
    assert.ok(t.lines.some((l) => l.includes('[dies] ! dies-in-init: giving up')), 'stderr is in the log');
    assert.ok(t.lines.some((l) => /\[dies\] процесс завершился во время инициализации \(код 3\); перезапуска не будет/.test(l)));
  });

  it('refuses to start a plugin whose required license is missing, naming it', () => {
    const locked = t.sim.plugins.get('locked')!;
    assert.equal(locked.status, 'refused');
    assert.equal(locked.pid, undefined);
    assert.ok(t.lines.some((l) => l.includes('[locked] не запущен: не хватает лицензий: нет лицензии 99999')));
  });
});

describe('stopping the simulator', () => {
  it('calls onShutdown and waits for it before the process ends, never as a crash', async () => {
    const events = new EventEmitter();
    const refused = nextEvent(events, 'plugin-refused');
    const t = await startTestSim({ probe: 'probe', locked: 'needs-license' }, {}, { events });
    try {
      assert.deepEqual(await refused, { route: 'locked', reason: 'не хватает лицензий: нет лицензии 99999', missingLicenses: [99999] });
      const pid = t.sim.plugins.get('probe')!.pid;
      const exits: { phase: string }[] = [];
      events.on('plugin-exited', (e) => exits.push(e));
      events.on('plugin-restarted', () => assert.fail('a stopped plugin must not restart'));
      await t.sim.stop();

      const marker = path.join(t.dir, 'storage', 'probe', 'shutdown-marker');
      assert.equal(await readFile(marker, 'utf8'), String(pid), 'onShutdown ran to its end');
      assert.deepEqual(exits.map((e) => e.phase), ['stop']);
      const order = ['[probe] останавливается', '[probe] onShutdown завершён', '[probe] процесс завершился (код 0)', '[probe] остановлен'];
      const at = order.map((text) => t.lines.findIndex((l) => l.includes(text)));
      assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1]!)), `log order: ${at}`);
      assert.equal(t.sim.plugins.get('probe')!.status, 'stopped');
      assert.equal((await request(`${t.sim.url}/_sim/`).catch((e: Error) => e)) instanceof Error, true, 'HTTP is closed');
      assert.equal(existsSync(t.sim.runDir), false, 'the temporary runDir is removed');
    } finally {
      await t.stop();
    }
  });

  it('limits onShutdown to shutdownTimeoutMs, and kills a process that does not end', async () => {
    const t = await startTestSim({ stuck: 'probe', hang: 'probe' }, { shutdownTimeoutMs: 300 });
    try {
      const started = Date.now();
      await t.sim.stop();
      assert.ok(Date.now() - started < 4000);
      assert.ok(t.lines.some((l) => l.includes('[stuck] onShutdown не уложился в 300 мс')));
      assert.ok(t.lines.some((l) => l.includes('[stuck] процесс завершился (код 0)')));
      assert.ok(t.lines.some((l) => /\[hang\] процесс не завершился за \d+ мс — SIGKILL/.test(l)));
      assert.ok(t.lines.some((l) => l.includes('[hang] процесс завершился (сигнал SIGKILL)')));
    } finally {
      await t.stop();
    }
  });
});
