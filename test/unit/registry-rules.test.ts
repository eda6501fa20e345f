import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReportSchema, type Report } from '../../src/intake/report-schema';
import { checkAcceptance } from '../../src/registry/acceptance';
import { errorKeyOf } from '../../src/registry/error-key';
import { CUT_MARK, STORED } from '../../src/registry/limits';
import { attachmentsOf, hasAttachedFiles } from '../../src/registry/attachments';
import { factsOf, isGroupable } from '../../src/registry/report-facts';
import { SettingsSchema } from '../../src/registry/settings-schema';
import { sampleEntries, sampleReportJson } from '../helpers/samples';

function report(name: string, change?: (r: Record<string, any>) => void): Report {
  const json = sampleReportJson(name);
  change?.(json);
  return ReportSchema.parse(json);
}

describe('the unique-error key', () => {
  it('ignores the order of extensions', () => {
    const a = report('client-error');
    const b = report('client-error', (r) => r.configInfo.extentions.reverse());
    assert.equal(errorKeyOf(a).hash, errorKeyOf(b).hash);
  });

  it('changes when an extension is missing, the version differs, a text differs or the stack hash differs', () => {
    const base = errorKeyOf(report('client-error')).hash;
    assert.notEqual(errorKeyOf(report('client-error-one-extension')).hash, base);
    assert.notEqual(errorKeyOf(report('client-error-next-version')).hash, base);
    assert.notEqual(errorKeyOf(report('client-error', (r) => (r.errorInfo.applicationErrorInfo.errors[1][0] += ' '))).hash, base);
    assert.notEqual(errorKeyOf(report('client-error', (r) => (r.errorInfo.applicationErrorInfo.stackHash = 'X'))).hash, base);
  });

  it('keeps the order of error texts significant', () => {
    const a = errorKeyOf(report('client-error'));
    const b = errorKeyOf(report('client-error', (r) => r.errorInfo.applicationErrorInfo.errors.reverse()));
    assert.notEqual(a.hash, b.hash);
  });

  it('is the same for the repeat, another computer and the web client of the same error', () => {
    const base = errorKeyOf(report('client-error')).hash;
    for (const name of ['client-error-repeat', 'client-error-other-pc', 'web-client', 'with-attached-file']) {
      assert.equal(errorKeyOf(report(name)).hash, base, name);
    }
  });

  it('treats a report without applicationErrorInfo as empty texts and hash, not detailed', () => {
    const key = errorKeyOf(report('client-error', (r) => delete r.errorInfo.applicationErrorInfo));
    assert.deepEqual([key.texts, key.stackHash, key.detailed], [[], '', false]);
  });

  it('treats absent extensions as none', () => {
    const key = errorKeyOf(report('client-error', (r) => delete r.configInfo.extentions));
    assert.deepEqual(key.extensions, []);
  });
});

describe('the duplicate rule', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  it('groups only reports that name their computer and attach no files', () => {
    assert.equal(isGroupable(factsOf(report('client-error'), now, sampleEntries('client-error'))), true);
    assert.equal(isGroupable(factsOf(report('with-attached-file'), now, sampleEntries('with-attached-file'))), false);
    assert.equal(isGroupable(factsOf(report('server-job-error'), now, sampleEntries('server-job-error'))), false);
    assert.equal(isGroupable(factsOf(report('minimal'), now, sampleEntries('minimal'))), false);
  });

  it('treats an empty additionalFiles list as no files', () => {
    assert.equal(isGroupable(factsOf(report('client-error', (r) => (r.additionalFiles = [])), now, sampleEntries('client-error'))), true);
  });
});

describe('the acceptance rules', () => {
  const settings = SettingsSchema.parse({
    configurations: [
      { name: 'Мед', versions: ['2.0.6.'], recipients: [] },
      { name: 'Все', versions: [''], recipients: [] },
      { name: 'Никакие', versions: [], recipients: [] },
      { name: 'Широко', versions: ['2.0.6'], recipients: [] },
    ],
  });
  const ok = (name: string, v: string) => checkAcceptance(settings, name, v).accepted;

  it('matches version prefixes literally, as the original did', () => {
    assert.equal(ok('Мед', '2.0.6.45'), true);
    assert.equal(ok('Мед', '2.0.60.1'), false);
    assert.equal(ok('Широко', '2.0.60.1'), true);
  });

  it('accepts every version for an empty string, none for an empty list, nothing unlisted', () => {
    assert.equal(ok('Все', '0.0.0.1'), true);
    assert.equal(ok('Никакие', '2.0.6.45'), false);
    assert.equal(ok('Чужая', '2.0.6.45'), false);
  });

  it('says why it refuses', () => {
    const r = checkAcceptance(settings, 'Чужая', '1.0');
    assert.equal(r.accepted, false);
    assert.match((r as { reason: string }).reason, /Чужая/);
  });
});

describe('report.json validation', () => {
  it('accepts every valid sample, including the minimal one', () => {
    for (const name of ['client-error', 'server-job-error', 'web-client', 'minimal', 'with-attached-file']) {
      assert.doesNotThrow(() => report(name), name);
    }
  });

  it('drops a display field of the wrong type instead of refusing the report', () => {
    const r = report('client-error', (j) => (j.sessionInfo.userName = 42));
    assert.equal(r.sessionInfo?.userName, undefined);
  });

  it('refuses a wrong type where the key needs it', () => {
    const json = sampleReportJson('client-error') as Record<string, any>;
    json.configInfo.extentions = 'none';
    assert.equal(ReportSchema.safeParse(json).success, false);
  });
});

describe('what a report may leave in the database', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  it('cuts huge texts for storage, marks the cut, and keys on the full text', () => {
    const long = 'Ж'.repeat(3_000_000);
    const a = errorKeyOf(report('client-error', (r) => (r.errorInfo.applicationErrorInfo.errors = [[long + 'A', []]])));
    const b = errorKeyOf(report('client-error', (r) => (r.errorInfo.applicationErrorInfo.errors = [[long + 'B', []]])));
    assert.notEqual(a.hash, b.hash, 'texts that differ only past the cut are different errors');
    assert.equal(a.texts[0]!.length, STORED.textChars);
    assert.ok(a.texts[0]!.endsWith(CUT_MARK), 'the cut is marked');
    const facts = factsOf(report('client-error', (r) => ((r.errorInfo.userDescription = long), (r.sessionInfo.userName = long))), now, []);
    assert.equal(facts.userDescription!.length, STORED.descriptionChars);
    assert.equal(facts.userName!.length, STORED.fieldChars);
  });

  it('keeps the texts of one error within 3,000 characters in all and 32 extensions, saying how many more the zip holds', () => {
    const key = errorKeyOf(
      report('client-error', (r) => {
        r.errorInfo.applicationErrorInfo.errors = Array.from({ length: 500 }, (_, i) => [`т${i} `.repeat(200), []]);
        r.configInfo.extentions = Array.from({ length: 1000 }, (_, i) => [`р${i}`.repeat(100), 'h'.repeat(1000)]);
      }),
    );
    const stored = key.texts.slice(0, -1);
    assert.ok(stored.join('').length <= STORED.textsChars, `${stored.join('').length} characters`);
    assert.match(key.texts.at(-1)!, new RegExp(`ещё текстов ошибки: ${500 - stored.length}`));
    assert.equal(key.extensions.length, STORED.extensions + 1);
    assert.ok(key.extensions.slice(0, -1).every(([n, h]) => n.length <= STORED.extensionChars && h.length <= STORED.extensionChars));
    assert.match(key.extensions.at(-1)![0], /ещё расширений: 968/);
  });

  it('keeps a report of the samples whole: the bounds are far above real reports', () => {
    for (const name of ['client-error', 'compile-error-attached', 'web-client']) {
      const r = report(name);
      const key = errorKeyOf(r);
      assert.deepEqual(key.texts, (r.errorInfo?.applicationErrorInfo?.errors ?? []).map((e: { text: string }) => e.text), name);
      assert.ok(!JSON.stringify(key).includes(CUT_MARK), name);
    }
  });
});

describe('attached files (issue 15: a real 8.3.18 report lists none in additionalFiles)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  it('counts a zip entry that is not report.json, the screenshot or the dump as an attached file', () => {
    const r = report('compile-error-attached');
    assert.equal(r.additionalFiles, undefined, 'the sample has no additionalFiles key');
    const a = attachmentsOf(r, sampleEntries('compile-error-attached'));
    assert.deepEqual(a.inZip, ['протокол загрузки.txt']);
    assert.equal(isGroupable(factsOf(r, now, sampleEntries('compile-error-attached'))), false);
  });

  it('shows a listed file the zip lacks as missing, and still counts the report as having files', () => {
    const r = report('with-attached-file');
    const a = attachmentsOf(r, sampleEntries('with-attached-file'));
    assert.ok(a.listed.length > 0);
    assert.deepEqual(a.missing, a.listed);
    assert.equal(hasAttachedFiles(r, sampleEntries('with-attached-file')), true);
  });

  it('does not count the screenshot named by screenshot.file, the dump named by dump.file or folders', () => {
    const r = report('client-error', (j) => (j.dump = { type: 0, file: 'crash.dmp' }));
    assert.equal(hasAttachedFiles(r, ['report.json', 'screenshot.png', 'crash.dmp', 'folder/']), false);
    assert.equal(hasAttachedFiles(r, ['report.json', 'screenshot.png', 'crash.dmp', 'folder/', 'folder/x.txt']), true);
  });

  it('counts hostile names as files without touching them', () => {
    const r = report('client-error');
    const names = ['report.json', 'screenshot.png', '../../etc/passwd', '/etc/shadow', ...Array.from({ length: 300 }, (_, i) => `t${i}`)];
    assert.equal(attachmentsOf(r, names).inZip.length, 302);
  });
});
