// Builds report zips for tests: a sample's report.json with changes, zipped like the platform.
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { sampleReportJson } from './samples';

export interface ReportChanges {
  /** report id (default: a fresh UUID). */
  id?: string;
  /** clientInfo.systemInfo.clientID; null removes systemInfo. */
  clientId?: string | null;
  /** Replaces the error texts (one error per text). */
  texts?: string[];
  version?: string;
  configName?: string;
  userName?: string;
  userDescription?: string;
  attachedFile?: boolean;
  /** Any other change, last. */
  edit?: (json: Record<string, any>) => void;
}

export function buildReportJson(changes: ReportChanges = {}, base = 'client-error'): Record<string, any> {
  const json = sampleReportJson(base) as Record<string, any>;
  json.id = changes.id ?? randomUUID();
  if (changes.clientId === null) delete json.clientInfo.systemInfo;
  else if (changes.clientId !== undefined) json.clientInfo.systemInfo.clientID = changes.clientId;
  if (changes.texts) json.errorInfo.applicationErrorInfo.errors = changes.texts.map((t) => [t, ['ExceptionRaisedFromScript']]);
  if (changes.version) json.configInfo.version = changes.version;
  if (changes.configName) json.configInfo.name = changes.configName;
  if (changes.userName !== undefined) json.sessionInfo.userName = changes.userName;
  if (changes.userDescription !== undefined) json.errorInfo.userDescription = changes.userDescription;
  if (changes.attachedFile) json.additionalFiles = ['log.txt'];
  changes.edit?.(json);
  return json;
}

export async function buildReportZip(changes: ReportChanges = {}, base = 'client-error'): Promise<Buffer> {
  const json = buildReportJson(changes, base);
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(json, null, 4));
  if (changes.attachedFile) zip.file('log.txt', 'attached by the user\n');
  return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}
