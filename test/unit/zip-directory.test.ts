import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import JSZip from 'jszip';
import { entryArchive, listEntries, peekEntry, readEntry } from '../../src/intake/zip-directory';
import { ByteLru } from '../../src/web/byte-lru';
import { openReportZip } from '../../src/intake/zip';
import { PayloadTooLargeError, ValidationError } from '../../src/errors';
import { sample, sampleReport } from '../helpers/samples';

const MB = 1024 * 1024;

async function zipOf(files: Record<string, string | Buffer>, options: JSZip.JSZipGeneratorOptions<'uint8array'> = {}): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', ...options }));
}

describe('reading report.json out of a report zip', () => {
  it('gives JSZip only report.json: a 20 MB dump beside it is never read', async () => {
    const zip = await zipOf({ 'report.json': '{"id":"a"}', 'dump.dmp': randomBytes(20 * MB) }, { compression: 'STORE' });
    const cut = entryArchive(zip, 'report.json');
    assert.equal(cut.kind, 'found');
    if (cut.kind !== 'found') return;
    assert.ok(cut.archive.length < 1024, `the cut-out archive is ${cut.archive.length} bytes`);
    assert.deepEqual(cut.names, ['report.json', 'dump.dmp']);
    const opened = await openReportZip(zip, MB);
    assert.deepEqual(opened.json, { id: 'a' });
    assert.deepEqual(opened.entries, ['report.json', 'dump.dmp']);
  });

  it('reads a sample exactly as JSZip does from the whole archive', async () => {
    const zip = sampleReport('client-error');
    const whole = await JSZip.loadAsync(zip);
    const opened = await openReportZip(zip, MB);
    assert.deepEqual(opened.json, JSON.parse((await whole.file('report.json')!.async('string')).replace(/^\uFEFF/, '')));
  });

  it('refuses with 400 a zip with two entries called report.json (JSZip reads the last, other tools the first)', async () => {
    // Two entries of the same length; the second one's name is patched to collide.
    const zip = await zipOf({ 'report.json': '{"n":1}', 'report.jsoX': '{"n":2}' });
    for (let i = zip.indexOf('report.jsoX'); i !== -1; i = zip.indexOf('report.jsoX', i + 1)) zip.write('report.json', i);
    await assert.rejects(openReportZip(zip, MB), (err: unknown) => err instanceof ValidationError && err.status === 400 && /больше одного файла report\.json/.test(err.message));
  });

  for (const other of ['REPORT.JSON', 'Report.Json', './report.json', 'a/../report.json', 'x\\..\\report.json', '.\\REPORT.json', '/report.json', 'a/b/../../report.json']) {
    it(`refuses a zip holding report.json and also «${other}»`, async () => {
      const zip = await zipOf({ 'report.json': '{"n":1}', [other]: '{"n":2}' });
      assert.throws(() => entryArchive(zip, 'report.json'), ValidationError);
      await assert.rejects(openReportZip(zip, MB), ValidationError);
    });
  }

  it('still takes report.json beside entries that only look alike (another folder, another name)', async () => {
    const zip = await zipOf({ 'report.json': '{"n":1}', 'a/report.json': '{"n":2}', 'report.json.bak': '{}' });
    assert.deepEqual((await openReportZip(zip, MB)).json, { n: 1 });
  });

  it('reads entries written with data descriptors (sizes after the data, as streaming writers do)', async () => {
    const zip = await zipOf({ 'report.json': '{"n":3}', 'screenshot.png': randomBytes(50_000) }, { streamFiles: true });
    assert.equal(entryArchive(zip, 'report.json').kind, 'found');
    assert.deepEqual((await openReportZip(zip, MB)).json, { n: 3 });
  });

  it('finds the entry of a zip with bytes before its first entry (a self-extractor stub)', async () => {
    const zip = Buffer.concat([Buffer.from('MZ stub'), await zipOf({ 'report.json': '{"n":4}' })]);
    const cut = entryArchive(zip, 'report.json');
    assert.equal(cut.kind, 'found');
    if (cut.kind !== 'found') return;
    const inner = await JSZip.loadAsync(cut.archive);
    assert.equal(await inner.file('report.json')!.async('string'), '{"n":4}');
  });

  it('reads a stored (not deflated) report.json', async () => {
    const zip = await zipOf({ 'report.json': '{"n":5}' }, { compression: 'STORE' });
    assert.deepEqual((await openReportZip(zip, MB)).json, { n: 5 });
  });

  it('does not take report.json from a folder inside the zip', async () => {
    const zip = await zipOf({ 'inner/report.json': '{"n":6}' });
    assert.equal(entryArchive(zip, 'report.json').kind, 'missing');
    await assert.rejects(openReportZip(zip, MB), (err: unknown) => err instanceof ValidationError && /нет report\.json/.test(err.message));
  });

  it('refuses what is not a sound zip: not a zip, truncated', () => {
    assert.throws(() => entryArchive(sample('bad/not-a-zip.zip'), 'report.json'), ValidationError);
    assert.throws(() => entryArchive(sample('bad/truncated.zip'), 'report.json'), ValidationError);
  });

  it('refuses a central directory that points outside the archive', async () => {
    const zip = await zipOf({ 'report.json': '{"n":7}' });
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(zip.length + 1000, central + 42); // local header offset beyond the end
    assert.equal(entryArchive(zip, 'report.json').kind, 'unusual');
    await assert.rejects(openReportZip(zip, MB), ValidationError);
  });
});

describe('reading a stored zip entry by index (the report page)', () => {
  it('lists entries with their declared sizes and reads one by index, bounded while inflating', async () => {
    const zip = await zipOf({ 'report.json': '{"a":1}', 'big.bin': Buffer.alloc(5 * MB) });
    const entries = listEntries(zip);
    assert.deepEqual(entries.map((e) => [e.index, e.name, e.declaredSize]), [[0, 'report.json', 7], [1, 'big.bin', 5 * MB]]);
    assert.equal((await readEntry(zip, 0, 100)).toString(), '{"a":1}');
    assert.deepEqual([...peekEntry(zip, 1, 4)], [0, 0, 0, 0]);
    await assert.rejects(readEntry(zip, 1, MB), PayloadTooLargeError, 'a bomb stops at the bound, whatever the size it declares');
    await assert.rejects(readEntry(zip, 2, MB), ValidationError);
    // The declared size is checked, not trusted: a lie is a damaged entry.
    const at = zip.lastIndexOf(Buffer.from('PK\u0001\u0002', 'latin1'));
    zip.writeUInt32LE(4, at + 24);
    await assert.rejects(readEntry(zip, 1, 10 * MB), /размер или контрольная сумма/);
  });

  it('keeps parsed values within a byte bound, the least recently used going first', async () => {
    const lru = new ByteLru<string>(100, 60);
    lru.set('a', 'a', 40);
    lru.set('b', 'b', 40);
    lru.get('a');
    lru.set('c', 'c', 40);
    assert.equal(lru.get('b'), undefined, 'b was the least recently used');
    assert.equal(lru.get('a'), 'a');
    lru.set('huge', 'x', 61);
    assert.equal(lru.get('huge'), undefined, 'one value over the entry bound is never kept');
    assert.ok(lru.bytes <= 100);
  });
});
