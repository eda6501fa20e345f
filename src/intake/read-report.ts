import { ValidationError } from '../errors';
import { parseRu, problemText } from '../zod-ru';
import { ReportSchema, type Report } from './report-schema';
import { openReportZip } from './zip';

/** A report zip as intake hands it to the registry: the bytes to store, and what they say. */
export interface ReadReport {
  /** The zip exactly as received. */
  zip: Buffer;
  report: Report;
  /** Names of the zip's file entries (untrusted text, never paths). */
  entries: string[];
}

/**
 * Reads and validates report.json of a report zip (bounded, nothing extracted). A body
 * that is not a report ends here with a ValidationError the client reads; the registry
 * only ever sees a parsed report.
 */
export async function readReport(zip: Buffer, maxJsonBytes: number): Promise<ReadReport> {
  const opened = await openReportZip(zip, maxJsonBytes);
  const parsed = parseRu(ReportSchema, opened.json);
  if (!parsed.success) throw new ValidationError(`report.json: ${problemText(parsed.error.issues[0]!)}`);
  return { zip, report: parsed.data, entries: opened.entries };
}
