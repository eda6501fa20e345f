// Issue 9: the attacks a hostile 1C client tried on the demo, run against the real plugin
// in the simulator. Each is refused cheaply, leaves nothing stored and the plugin
// answering, while ordinary reports keep arriving. The figures go to the test's output.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getInfo, pushReport, pushReportBody } from '../../sim/platform/report-client';
import JSZip from 'jszip';
import { buildReportJson, buildReportZip } from '../helpers/build-report';
import { craftedZip, rawRequest, slowUpload } from '../helpers/hostile-client';
import { rows, withDatabase } from '../helpers/inspect';
import { MED_SETTINGS, readOutbox, startPultSim, waitFor, type PultSim } from '../helpers/pult-sim';
import { cookieOf, SESSION } from '../sim/helpers';
import { LINGER_MS } from '../../src/web/lingering-close';

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

function storedZips(storage: string): number {
  const root = path.join(storage, 'zips');
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/** Nothing half-written, the same process, still answering. */
async function assertUnharmed(t: PultSim, pid: number | undefined, zipsBefore: number) {
  assert.equal(storedZips(t.storage), zipsBefore, 'nothing stored');
  assert.equal(fs.readdirSync(path.join(t.storage, 'zips', 'incoming')).length, 0, 'nothing half-written');
  assert.equal((await rawRequest(`${t.base}/`, {})).status, 200, 'still answering');
  assert.equal(t.pid(), pid, 'the same process');
}

async function dbBytes(storage: string): Promise<number> {
  return withDatabase(storage, (db) => {
    const [count] = rows<{ page_count: number }>(db, 'PRAGMA page_count');
    const [size] = rows<{ page_size: number }>(db, 'PRAGMA page_size');
    return count!.page_count * size!.page_size;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('hostile clients: slow bodies', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim({ pultConfig: { limits: { bodySeconds: 10, bodyMinBytesPerSecond: 1024 } } })));
  after(() => t.stop());

  it('20 slow uploads (declared 64 MB and chunked, a byte a second) hold nothing: normal reports keep getting 200 within 2 s, the slow ones get 408', async (tc) => {
    const pid = t.pid();
    const slow = Array.from({ length: 20 }, (_, i) => slowUpload(`${t.base}/pushReport`, { from: `127.0.0.${10 + i}`, chunked: i % 2 === 1, everyMs: 1000 }));
    const normal: number[] = [];
    const until = Date.now() + 7000;
    while (Date.now() < until) {
      const a = await pushReport(t.base, await buildReportZip({ clientId: null }));
      assert.equal(a.status, 200, a.body);
      assert.ok(a.ms < 2000, `a normal report took ${a.ms} ms`);
      normal.push(a.ms);
      await new Promise((r) => setTimeout(r, 200));
    }
    const answers = await Promise.all(slow.map((s) => s.answer));
    tc.diagnostic(`normal reports under 20 slow uploads: ${normal.length}, median ${median(normal).toFixed(0)} ms, max ${Math.max(...normal).toFixed(0)} ms`);
    tc.diagnostic(`slow uploads cut after ${Math.min(...answers.map((a) => a.ms))}–${Math.max(...answers.map((a) => a.ms))} ms`);
    assert.deepEqual(answers.map((a) => a.status), Array(20).fill(408));
    assert.ok(answers.every((a) => a.ms < 9000), 'cut by the rate rule, well before the total time');
    assert.equal(storedZips(t.storage), normal.length, 'only the normal reports were stored');
    await assertUnharmed(t, pid, normal.length);
  });

  it('one address may have 8 uploads in progress: the 9th and later get 429 at once, other addresses are served', async () => {
    const pid = t.pid();
    const zips = storedZips(t.storage);
    const slow = Array.from({ length: 12 }, () => slowUpload(`${t.base}/pushReport`, { from: '127.0.0.50', chunked: false, everyMs: 200 }));
    const first = await Promise.race([Promise.all(slow.slice(8).map((s) => s.answer)), new Promise<'late'>((r) => setTimeout(() => r('late'), 3000))]);
    assert.notEqual(first, 'late', 'the refused ones are answered at once');
    assert.deepEqual((first as { status: number }[]).map((a) => a.status), [429, 429, 429, 429]);
    const ok = await pushReport(t.base, await buildReportZip({ clientId: null }));
    assert.equal(ok.status, 200, 'another address is served meanwhile');
    slow.forEach((s) => s.stop());
    await waitFor(async () => ((await getInfo(t.base, { configName: 'x' }).catch(() => undefined))?.status === 200 ? true : undefined), 5000, 'the places freed');
    await assertUnharmed(t, pid, zips + 1);
  });

  it('a getInfo body that trickles is cut off with 408 too', async () => {
    const s = slowUpload(`${t.base}/getInfo`, { from: '127.0.0.70', chunked: true, everyMs: 1000 });
    assert.equal((await s.answer).status, 408);
  });

  it('a slow body cut off with 408 is read for a moment after the answer, then closed: the monitor forwarding it loses no answer in a reset', async () => {
    // Straight to the plugin's socket, as the monitor forwards: a chunk written right after
    // the answer must not meet a closed socket (EPIPE made the simulator answer 502 now and then).
    const socketPath = t.sim.plugins.get('pult')?.socketPath;
    assert.ok(socketPath, 'the plugin has a socket');
    const conn = net.connect({ path: socketPath, allowHalfOpen: true });
    await once(conn, 'connect');
    let received = '';
    let writeError: Error | undefined;
    conn.on('data', (c: Buffer) => (received += c.toString('latin1')));
    conn.on('error', (err) => (writeError ??= err));
    const ended = new Promise((r) => conn.once('end', r));
    conn.write('POST /pult/getInfo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n' +
      'x-kodeks-monitor-remote-addr: 127.0.0.71\r\n\r\n');
    const chunk = () => conn.write('1\r\n{\r\n');
    const trickle = setInterval(chunk, 100);
    try {
      await ended;
      const answeredAt = Date.now();
      assert.match(received, /^HTTP\/1\.1 408 /, received.slice(0, 200));
      assert.match(received, /\r\nconnection: close\r\n/i);
      // The monitor keeps forwarding the body: the writes land for a while, then the plugin closes.
      while (!writeError && Date.now() - answeredAt < LINGER_MS + 3000) await new Promise((r) => setTimeout(r, 20));
      const closedAfter = Date.now() - answeredAt;
      assert.ok(writeError, 'the plugin closed the connection in the end');
      assert.ok(closedAfter >= LINGER_MS - 500 && closedAfter < LINGER_MS + 1500, `the first write that failed came ${closedAfter} ms after the answer`);
    } finally {
      clearInterval(trickle);
      conn.destroy();
    }
  });
});

describe('hostile clients: 300 crafted uploads of 8 KB', () => {
  let t: PultSim;
  let emptyBytes = 0;
  before(async () => {
    const first = await startPultSim({ settings: { ...MED_SETTINGS, configurations: [{ ...MED_SETTINGS.configurations[0]!, versions: [''] }] } });
    await first.stopKeep();
    emptyBytes = await dbBytes(first.storage);
    t = await startPultSim({ dir: first.dir });
  });
  after(() => t.stop());

  it('grow the database by less than 10 MB, keep s/errorsList under 500 KB and 100 ms, and every mail under 100 KB', async (tc) => {
    const before = emptyBytes;
    assert.ok(before > 0);
    const sizes: number[] = [];
    for (let n = 0; n < 300; n++) {
      const zip = await craftedZip(n);
      sizes.push(zip.length);
      const a = await pushReport(t.base, zip);
      assert.equal(a.status, 200, a.body);
    }
    tc.diagnostic(`crafted zips: ${Math.min(...sizes)}–${Math.max(...sizes)} bytes`);
    assert.ok(Math.max(...sizes) < 12 * 1024, 'the uploads are small');

    const times: number[] = [];
    let page = '';
    for (let i = 0; i < 7; i++) {
      const r = await rawRequest(`${t.base}/s/errorsList`, { headers: { cookie: cookieOf(SESSION.reader), accept: 'text/html' } });
      assert.equal(r.status, 200);
      times.push(r.ms);
      page = r.body;
    }
    const pageBytes = Buffer.byteLength(page);
    tc.diagnostic(`s/errorsList after 300 crafted errors: ${(pageBytes / 1024).toFixed(0)} KB, median ${median(times)} ms, best ${Math.min(...times)} ms`);
    assert.ok(pageBytes < 500 * 1024, `${pageBytes} bytes`);
    assert.ok(Math.min(...times) < 100, `best of 7: ${Math.min(...times)} ms`);
    assert.match(page, /сокращено/, 'the cut is marked');

    const told = () => readOutbox(t.outbox).reduce((s, m) => s + Number(/конфигурации [^:]+: (\d+)\./.exec(m.body)?.[1] ?? 0), 0);
    await waitFor(() => (told() >= 300 ? true : undefined), 20_000, 'the notices of 300 errors');
    const mails = readOutbox(t.outbox);
    const largest = Math.max(...mails.map((m) => Buffer.byteLength(m.body) + Buffer.byteLength(m.subject)));
    tc.diagnostic(`mails: ${mails.length}, the largest ${(largest / 1024).toFixed(1)} KB`);
    assert.ok(largest < 100 * 1024, `${largest} bytes`);

    await t.stopKeep();
    const grown = (await dbBytes(t.storage)) - before;
    tc.diagnostic(`database: ${(before / 1024 / 1024).toFixed(2)} MB before, grown by ${(grown / 1024 / 1024).toFixed(2)} MB (${(grown / 300 / 1024).toFixed(1)} KB a report)`);
    assert.ok(grown < 10 * 1024 * 1024, `${grown} bytes`);
  });
});

describe('hostile clients: line breaks and other control characters never reach a mail', () => {
  const CHARS: [string, string][] = [
    ['CR', '\r'], ['LF', '\n'], ['CRLF', '\r\n'], ['U+2028', '\u2028'], ['U+2029', '\u2029'], ['NEL', '\u0085'], ['NUL', '\u0000'],
    ['TAB', '\t'], ['VT', '\u000b'], ['FF', '\f'], ['ESC', '\u001b'], ['DEL', '\u007f'], ['RLO', '\u202e'], ['ZWSP', '\u200b'],
  ];
  let t: PultSim;
  before(async () => {
    t = await startPultSim({ settings: { ...MED_SETTINGS, configurations: [{ ...MED_SETTINGS.configurations[0]!, versions: [''] }] } });
  });
  after(() => t.stop());

  it('flattens every report field that reaches the mail (version, error texts), with no lone-dot line', async () => {
    for (const [label, ch] of CHARS) {
      const forged = `${ch}Bcc: attacker@evil.test${ch}${ch}.${ch}MAIL FROM:<x@evil.test>${ch}`;
      const zip = await buildReportZip({
        clientId: null,
        version: `2.0.6.77${forged}`,
        texts: [`Ошибка ${label}${forged}`, '.', `${ch}.${ch}`],
        userDescription: forged,
        userName: forged,
      });
      assert.equal((await pushReport(t.base, zip)).status, 200, label);
    }
    const told = () => readOutbox(t.outbox).reduce((s, m) => s + Number(/конфигурации [^:]+: (\d+)\./.exec(m.body)?.[1] ?? 0), 0);
    await waitFor(() => (told() >= CHARS.length ? true : undefined), 10_000, 'the notices');
    const mails = readOutbox(t.outbox);
    const bodies = mails.map((m) => m.body).join('\n');
    for (const [label] of CHARS) assert.match(bodies, new RegExp(`Ошибка ${label.replace('+', '\\+')} Bcc: attacker@evil\\.test \\. MAIL FROM`), `${label}: shown, flattened`);
    for (const m of mails) {
      assert.equal(m.to, 'med@example.ru');
      assert.doesNotMatch(m.subject, CONTROL);
      for (const line of m.body.split('\n')) {
        assert.doesNotMatch(line, CONTROL, JSON.stringify(line));
        assert.notEqual(line.trim(), '.', 'no line of only a dot');
        assert.doesNotMatch(line, /^(Bcc|MAIL FROM)/i, JSON.stringify(line));
      }
    }
  });
});

describe('hostile clients: the smaller findings', () => {
  let t: PultSim;
  before(async () => (t = await startPultSim({ pultConfig: { accessCacheSeconds: 0 } })));
  after(() => t.stop());

  it('refuses any Content-Encoding with 415 on pushReport, getInfo and an s/ POST (not a 500), storing nothing', async () => {
    const pid = t.pid();
    const { body, contentType } = pushReportBody(await buildReportZip());
    for (const [url, type, extra] of [
      [`${t.base}/pushReport`, contentType, {}],
      [`${t.base}/getInfo`, 'application/json', {}],
      [`${t.base}/s/errors/1/mark`, 'application/x-www-form-urlencoded', { cookie: cookieOf(SESSION.admin), origin: 'https://kserver.test' }],
    ] as const) {
      for (const encoding of ['gzip', 'br', 'x-bogus']) {
        const a = await rawRequest(url, { method: 'POST', headers: { 'content-type': type, 'content-encoding': encoding, ...extra }, body: url.endsWith('pushReport') ? body : 'not compressed' });
        assert.equal(a.status, 415, `${url} ${encoding}: ${a.body}`);
        assert.match(a.body, /Content-Encoding/);
      }
    }
    assert.ok(!t.lines.some((l) => /→ 500/.test(l)), 'no 500 in the log');
    await assertUnharmed(t, pid, 0);
  });

  it('says sizes in the unit that fits: a getInfo over 256 KB is refused as "больше допустимых 256 КБ"', async () => {
    const a = await rawRequest(`${t.base}/getInfo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(300 * 1024, 0x20) });
    assert.equal(a.status, 413);
    assert.match(JSON.parse(a.body).error, /больше допустимых 256 КБ/);
  });

  it('answers JSON with nosniff and without echoing the client: the unknown configuration is refused without its name', async () => {
    const pid = t.pid();
    const name = '<script>alert(1)</script>Чужая';
    const refused = await pushReport(t.base, await buildReportZip({ configName: name }));
    assert.equal(refused.status, 422);
    assert.deepEqual(JSON.parse(refused.body), { error: 'Конфигурация отчёта не принимается этим сервисом', code: 'refused' });
    const other = await pushReport(t.base, await buildReportZip({ version: '9.9.<b>' }));
    assert.equal(JSON.parse(other.body).error, 'Версия конфигурации отчёта не принимается этим сервисом');
    for (const a of [
      await rawRequest(`${t.base}/getInfo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ configName: name }) }),
      await rawRequest(`${t.base}/getInfo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' }),
      await rawRequest(`${t.base}/pushReport`, { method: 'POST', headers: { 'content-type': 'application/zip' }, body: 'PK' }),
    ]) {
      assert.equal(a.headers['x-content-type-options'], 'nosniff', `${a.status}`);
      assert.ok(!a.body.includes('<script>'), a.body);
    }
    await assertUnharmed(t, pid, 0);
  });

  it('refuses a zip with two entries named report.json with 400, storing nothing', async () => {
    const pid = t.pid();
    const zip = new JSZip();
    const json = JSON.stringify(buildReportJson());
    zip.file('report.json', json);
    zip.file('a/../REPORT.json', json.replace('МедицинаБольница', 'Другая'));
    const a = await pushReport(t.base, Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' })));
    assert.equal(a.status, 400);
    assert.match(JSON.parse(a.body).error, /больше одного файла report\.json/);
    await assertUnharmed(t, pid, 0);
  });

  it('throttles denied access checks per client address, without slowing a user who was granted', async (tc) => {
    const from = '127.0.0.60';
    const get = (cookie: string) => rawRequest(`${t.base}/s/errorsList`, { headers: { cookie, accept: 'application/json' }, from });
    assert.equal((await get(cookieOf(SESSION.reader))).status, 200, 'a reader from that address first');
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 60; i++) statuses.push((await get(`Kodeks=${900_000 + i}`)).status);
    tc.diagnostic(`60 session guesses in ${Date.now() - started} ms: ${statuses.filter((s) => s === 403).length} answered by CheckAccess, ${statuses.filter((s) => s === 429).length} refused with 429`);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(403));
    assert.deepEqual(statuses.slice(30), Array(30).fill(429));
    const reader = await get(cookieOf(SESSION.reader));
    assert.equal(reader.status, 200, 'the granted reader is not throttled (no access cache here: CheckAccess was asked again)');
    const elsewhere = await rawRequest(`${t.base}/s/errorsList`, { headers: { cookie: `Kodeks=999999`, accept: 'application/json' }, from: '127.0.0.61' });
    assert.equal(elsewhere.status, 403, 'another address is still asked');
  });
});
