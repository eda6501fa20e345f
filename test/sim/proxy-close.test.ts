import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { rows, withDatabase } from '../helpers/inspect';
import { startPultSim, type PultSim } from '../helpers/pult-sim';
import { sampleReport } from '../helpers/samples';

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

const LIMIT = 64 * 1024;
const REFUSED_BYTES = 1024 * 1024;
const N = 200;
const PARALLEL = 4;

/**
 * One request over a fresh TCP connection, the way a plain HTTP/1.1 client without keep-alive
 * sends it: head with `Connection: close`, then the body in chunks whatever the server says
 * meanwhile; the answer is what arrives before the server closes.
 */
function rawRequest(port: number, path: string, body: Buffer, contentType: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    // A reset after the answer arrived is the server's business; the answer is what counts.
    sock.on('error', () => {});
    sock.on('close', () => {
      const text = Buffer.concat(got);
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no answer (${text.length} bytes)`));
      const head = text.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0]!)?.[1]);
      const header = (name: string) => head.find((h) => h.toLowerCase().startsWith(name + ':'))?.slice(name.length + 1).trim();
      const length = Number(header('content-length') ?? NaN);
      const rest = text.subarray(split + 4);
      resolve({ status, contentType: header('content-type'), body: (Number.isFinite(length) ? rest.subarray(0, length) : rest).toString('utf8') });
    });
    sock.on('connect', async () => {
      sock.write(`POST ${path} HTTP/1.1\r\nHost: kserver.test\r\nConnection: close\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let at = 0; at < body.length && !sock.destroyed; at += 64 * 1024) {
        if (!sock.write(body.subarray(at, at + 64 * 1024))) await new Promise((r) => sock.once('drain', r).once('close', r));
      }
    });
  });
}

/** The plugin's own answer to the request head, asked on its socket directly (no body needed: it refuses by Content-Length). */
function pluginAnswer(socketPath: string, path: string, length: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path, headers: { 'content-type': 'application/zip', 'content-length': String(length) } }, (res) => {
      const got: Buffer[] = [];
      res.on('data', (d) => got.push(d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body: Buffer.concat(got).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

async function inBatches(n: number, fn: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < n; i += PARALLEL) out.push(...(await Promise.all(Array.from({ length: Math.min(PARALLEL, n - i) }, (_, k) => fn(i + k)))));
  return out;
}

describe('the simulator forwards every answer of the plugin to a client without keep-alive', () => {
  let t: PultSim;
  let port: number;
  let stopped = false;
  before(async () => {
    t = await startPultSim({ pultConfig: { limits: { requestBytes: LIMIT } } });
    port = Number(new URL(t.sim.url).port);
  });
  after(async () => {
    if (!stopped) await t.stopKeep();
    await t.cleanup();
  });

  it(`passes on all ${N} early refusals (413 before the body ends) exactly as the plugin sent them`, async () => {
    const socketPath = t.sim.plugins.get('pult')!.socketPath!;
    const expected = await pluginAnswer(socketPath, '/pult/pushReport', REFUSED_BYTES);
    assert.equal(expected.status, 413);
    assert.match(JSON.parse(expected.body).error, /больше допустимых/);
    const body = Buffer.alloc(REFUSED_BYTES, 7);
    const answers = await inBatches(N, () => rawRequest(port, '/pult/pushReport', body, 'application/zip'));
    const counts = count(answers);
    console.log(`# отказы: ${JSON.stringify(counts)}`);
    assert.deepEqual(counts, { 413: N }, 'no 502, no lost answer');
    for (const a of answers) assert.deepEqual(a, expected);
  });

  it(`passes on all ${N} acceptances (200, empty body) and the reports are stored`, async () => {
    const zip = sampleReport('client-error');
    const answers = await inBatches(N, () => rawRequest(port, '/pult/pushReport', zip, 'application/zip'));
    const counts = count(answers);
    console.log(`# приёмы: ${JSON.stringify(counts)}`);
    assert.deepEqual(counts, { 200: N });
    for (const a of answers) assert.equal(a.body, '');
    // The same report id each time: counted once, stored once.
    await t.stopKeep();
    stopped = true;
    await withDatabase(t.storage, (db) => assert.equal(rows(db, 'SELECT count(*) AS n FROM reports')[0]!.n, 1));
  });
});

function count(answers: Answer[]): Record<number, number> {
  const c: Record<number, number> = {};
  for (const a of answers) c[a.status] = (c[a.status] ?? 0) + 1;
  return c;
}
