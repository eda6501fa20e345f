import fs from 'node:fs';
import path from 'node:path';
import { entryArchive } from '../../src/intake/zip-directory';

/** The public samples shared with every developer and CI run (../shared beside the clone). */
export const SAMPLES = path.resolve(__dirname, '..', '..', '..', 'shared', 'samples');

export function sample(rel: string): Buffer {
  return fs.readFileSync(path.join(SAMPLES, rel));
}

export function sampleReport(name: string): Buffer {
  return sample(`reports/${name}.zip`);
}

export function sampleReportJson(name: string): Record<string, unknown> {
  return JSON.parse(sample(`reports/${name}.report.json`).toString('utf8'));
}

/** The names of a sample zip's file entries, as intake reads them from its central directory. */
export function sampleEntries(name: string): string[] {
  const cut = entryArchive(sampleReport(name), 'report.json');
  return cut.kind === 'unusual' ? [] : cut.names;
}

/** The samples in the order of samples/README.md, with what each must do. */
export const SAMPLE_ORDER = [
  'client-error',
  'client-error-repeat',
  'client-error-other-pc',
  'client-error-next-version',
  'client-error-one-extension',
  'server-job-error',
  'with-attached-file',
  'web-client',
  'unknown-config',
  'minimal',
  'compile-error-attached',
  'compile-error-attached-repeat',
] as const;

export const BAD_SAMPLES = fs.readdirSync(path.join(SAMPLES, 'bad')).filter((f) => f.endsWith('.zip')).sort();
