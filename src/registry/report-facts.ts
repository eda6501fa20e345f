import type { Report } from '../intake/report-schema';
import { hasAttachedFiles } from './attachments';
import { clip, clipField, STORED } from './limits';

/**
 * What we keep of one report besides its zip: the columns of the reports page and what
 * the duplicate rule needs. Everything here is untrusted client text.
 */
export interface ReportFacts {
  uid: string | undefined;
  time: string;
  clientId: string | undefined;
  hasFiles: boolean;
  /** The zip holds the entry `screenshot.file` names. */
  hasScreenshot: boolean;
  /** systemErrorInfo.systemCrash: the client process crashed. */
  crashed: boolean;
  userName: string | undefined;
  appVersion: string | undefined;
  appName: string | undefined;
  platformType: string | undefined;
  serverType: string | undefined;
  serverVersion: string | undefined;
  dataSeparation: string | undefined;
  dbms: string | undefined;
  changeEnabled: boolean | undefined;
  userDescription: string | undefined;
  userAgent: string | undefined;
  /** What the configuration put in additionalInfo (for search; cut). */
  additionalInfo: string | undefined;
}

/** `entryNames`: the zip's entries (attached files are found there too, see attachments.ts). */
export function factsOf(report: Report, receivedAt: Date, entryNames: readonly string[]): ReportFacts {
  const description = report.errorInfo?.userDescription?.trim();
  return {
    uid: report.id || undefined,
    time: normaliseTime(report.time) ?? receivedAt.toISOString(),
    clientId: report.clientInfo?.systemInfo?.clientID || undefined,
    hasFiles: hasAttachedFiles(report, entryNames),
    hasScreenshot: !!report.screenshot?.file && entryNames.includes(report.screenshot.file),
    crashed: report.errorInfo?.systemErrorInfo?.systemCrash === true,
    userName: clipField(report.sessionInfo?.userName),
    appVersion: clipField(report.clientInfo?.appVersion),
    appName: clipField(report.clientInfo?.appName),
    platformType: clipField(report.clientInfo?.platformType),
    serverType: clipField(report.serverInfo?.type),
    serverVersion: clipField(report.serverInfo?.appVersion),
    dataSeparation: clipField(report.sessionInfo?.dataSeparation),
    dbms: clipField(report.serverInfo?.dbms),
    changeEnabled: report.configInfo.changeEnabled,
    userDescription: description ? clip(description, STORED.descriptionChars) : undefined,
    userAgent: clipField(report.clientInfo?.systemInfo?.useragent),
    additionalInfo: report.additionalInfo?.trim() ? clip(report.additionalInfo.trim(), STORED.additionalInfoChars) : undefined,
  };
}

/**
 * Duplicates (pult.md): only a report that names its computer and attaches no files may
 * be folded into an earlier report of the same error from the same computer.
 */
export function isGroupable(facts: ReportFacts): boolean {
  return facts.clientId !== undefined && !facts.hasFiles;
}

/** The report's own time as UTC ISO, or undefined when it is not a date. */
function normaliseTime(t: string | undefined): string | undefined {
  if (!t) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
