import JSZip from 'jszip';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractReportZip } from '../../src/intake/multipart';
import { ReportSchema } from '../../src/intake/report-schema';
import { openReportZip } from '../../src/intake/zip';
import { PayloadTooLargeError, ValidationError } from '../../src/errors';
import { parseRu, problemText } from '../../src/zod-ru';
import { BAD_SAMPLES, sample, sampleReport } from '../helpers/samples';

const MB = 1024 * 1024;

describe('extractReportZip', () => {
  it('takes the zip out of the byte-exact platform request, broken part header and all', () => {
    const body = sample('pushreport-multipart.body');
    const type = sample('pushreport-multipart.content-type').toString('utf8').trim();
    assert.deepEqual(extractReportZip(body, type), sampleReport('client-error'));
  });

  it('takes the whole body when the request is not multipart', () => {
    const zip = sampleReport('minimal');
    assert.equal(extractReportZip(zip, 'application/zip'), zip);
    assert.equal(extractReportZip(zip, undefined), zip);
  });

  it('falls back to the first file part when there is no field "report"', () => {
    const zip = sampleReport('minimal');
    const body = Buffer.concat([
      Buffer.from('--b1\r\nContent-Disposition: form-data; name="comment"\r\n\r\nhello\r\n'),
      Buffer.from('--b1\r\nContent-Disposition: form-data; name="file"; filename="x.zip"\r\nContent-Type: Content-Type\r\n\r\n'),
      zip,
      Buffer.from('\r\n--b1--\r\n'),
    ]);
    assert.deepEqual(extractReportZip(body, 'multipart/form-data; boundary=b1'), zip);
  });

  it('prefers the field "report" over an earlier file part', () => {
    const zip = sampleReport('minimal');
    const body = Buffer.concat([
      Buffer.from('--b1\r\nContent-Disposition: form-data; name="other"; filename="o.bin"\r\n\r\nOTHER\r\n'),
      Buffer.from('--b1\r\nContent-Disposition: form-data; name="report"; filename="report.zip"\r\n\r\n'),
      zip,
      Buffer.from('\r\n--b1--'),
    ]);
    assert.deepEqual(extractReportZip(body, 'multipart/form-data; boundary="b1"'), zip);
  });
});

describe('openReportZip', () => {
  it('reads report.json of a valid sample without touching the disk', async () => {
    const opened = await openReportZip(sampleReport('client-error'), MB);
    assert.equal((opened.json as { id: string }).id, '6c1d4f0e-2a7b-4c55-9d3e-0f1a2b3c4d5e');
    assert.ok(opened.entries.includes('report.json'));
  });

  // Which stage refuses each bad sample: the zip reader, or the report schema after it.
  const refusedByZip = ['not-a-zip.zip', 'empty.zip', 'no-report-json.zip', 'broken-json.zip', 'truncated.zip', 'bomb.zip'];
  const refusedBySchema = ['no-config-info.zip', 'errors-not-array.zip'];

  it('knows every bad sample', () => {
    assert.deepEqual([...refusedByZip, ...refusedBySchema].sort(), BAD_SAMPLES);
  });

  for (const name of refusedByZip) {
    it(`refuses bad/${name} with a client error`, async () => {
      await assert.rejects(
        openReportZip(sample(`bad/${name}`), 8 * MB),
        (err: unknown) => err instanceof ValidationError || err instanceof PayloadTooLargeError,
      );
    });
  }

  for (const name of refusedBySchema) {
    it(`opens bad/${name} but its report.json fails the schema`, async () => {
      const opened = await openReportZip(sample(`bad/${name}`), 8 * MB);
      const parsed = parseRu(ReportSchema, opened.json);
      assert.equal(parsed.success, false);
      assert.match(problemText(parsed.error!.issues[0]!), /configInfo|errors/);
    });
  }

  it('stops inflating the 200 MB bomb early and says it is too large', async () => {
    const started = process.hrtime.bigint();
    const before = process.memoryUsage().rss;
    await assert.rejects(openReportZip(sample('bad/bomb.zip'), 8 * MB), PayloadTooLargeError);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.ok(process.memoryUsage().rss - before < 150 * MB, 'memory stayed bounded');
  });

  it('stops a bomb whose headers lie about its size, while inflating', async () => {
    const zip = new JSZip();
    zip.file('report.json', Buffer.alloc(64 * MB, 0x20));
    const bytes = Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    lieAboutSizes(bytes, 100);
    await assert.rejects(openReportZip(bytes, 8 * MB), PayloadTooLargeError);
  });
});

/** Rewrites the uncompressed size in every local and central header to `size`. */
function lieAboutSizes(zip: Buffer, size: number): void {
  for (let i = 0; i < zip.length - 4; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50) zip.writeUInt32LE(size, i + 22);
    if (sig === 0x02014b50) zip.writeUInt32LE(size, i + 24);
  }
}

describe('extractReportZip on hostile bodies', () => {
  it('stays linear on a body of many empty parts and refuses it', () => {
    const body = Buffer.from('--a\n'.repeat(200_000));
    const started = Date.now();
    assert.throws(() => extractReportZip(body, 'multipart/form-data; boundary=a'), ValidationError);
    assert.ok(Date.now() - started < 500, `${Date.now() - started} ms`);
  });

  it('stops at the report part without reading what follows', () => {
    const zip = sampleReport('minimal');
    const body = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="report"; filename="report.zip"\r\n\r\n'),
      zip,
      Buffer.from('\r\n'),
      Buffer.from('--b\r\n\r\n'.repeat(1000)),
    ]);
    assert.deepEqual(extractReportZip(body, 'multipart/form-data; boundary=b'), zip);
  });
});

describe('openReportZip on hostile archives', () => {
  /** A valid sample whose central directory is followed by `extra` copies of its first record. */
  function withExtraCentralRecords(extra: number, declare: 'true' | 'all'): Buffer {
    const zip = sampleReport('minimal');
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdSize = zip.readUInt32LE(eocd + 12);
    const cdOffset = zip.readUInt32LE(eocd + 16);
    const total = zip.readUInt16LE(eocd + 10);
    const first = zip.subarray(cdOffset, cdOffset + 46 + zip.readUInt16LE(cdOffset + 28) + zip.readUInt16LE(cdOffset + 30) + zip.readUInt16LE(cdOffset + 32));
    const records = Buffer.concat([zip.subarray(cdOffset, cdOffset + cdSize), ...Array.from({ length: extra }, () => first)]);
    const end = Buffer.from(zip.subarray(eocd, eocd + 22));
    const count = declare === 'all' ? Math.min(total + extra, 0xfffe) : total;
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(records.length, 12);
    return Buffer.concat([zip.subarray(0, cdOffset), records, end]);
  }

  it('refuses a central directory with more records than it declares, quickly', async () => {
    const started = Date.now();
    await assert.rejects(openReportZip(withExtraCentralRecords(200_000, 'true'), 8 * MB), ValidationError);
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  });

  it('refuses an archive of thousands of entries', async () => {
    await assert.rejects(openReportZip(withExtraCentralRecords(5000, 'all'), 8 * MB), /больше 1000 файлов/);
  });

  it('still reads every valid sample', async () => {
    for (const name of ['client-error', 'with-attached-file', 'minimal', 'web-client']) {
      await openReportZip(sampleReport(name), 8 * MB);
    }
  });
});
