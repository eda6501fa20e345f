import { createHash } from 'node:crypto';
import type { Report } from '../intake/report-schema';
import { clip, clipExtensions, clipTexts, STORED } from './limits';

/**
 * The unique error (pult.md): configuration name and version, the SET of installed
 * extensions ([name, hash] pairs, order irrelevant), the error texts in order (exact), and
 * the configuration stack hash. A report without applicationErrorInfo has empty texts and
 * hash.
 */
export interface ErrorKey {
  configName: string;
  configVersion: string;
  /** Sorted, de-duplicated [name, hash] pairs (stored ones cut, see limits.ts). */
  extensions: [string, string][];
  texts: string[];
  stackHash: string;
  /** false when the report carried no applicationErrorInfo (the page says so). */
  detailed: boolean;
  /** sha256 of the canonical form: what the database indexes. */
  hash: string;
}

export function errorKeyOf(report: Report): ErrorKey {
  const config = report.configInfo;
  const app = report.errorInfo?.applicationErrorInfo;
  const extensions = canonicalExtensions(config.extentions ?? []);
  const texts = app ? app.errors.map((e) => e.text) : [];
  const stackHash = app?.stackHash ?? '';
  const canonical = JSON.stringify([config.name, config.version, extensions, texts, stackHash]);
  return {
    // What is stored and shown is cut to bounded sizes; the hash covers everything.
    configName: clip(config.name, STORED.fieldChars),
    configVersion: clip(config.version, STORED.fieldChars),
    extensions: clipExtensions(extensions),
    texts: clipTexts(texts),
    stackHash: clip(stackHash, STORED.fieldChars),
    detailed: app !== undefined,
    hash: createHash('sha256').update(canonical).digest('hex'),
  };
}

function canonicalExtensions(list: readonly (readonly unknown[])[]): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  for (const item of list) {
    const pair: [string, string] = [String(item[0]), String(item[1])];
    pairs.set(JSON.stringify(pair), pair);
  }
  return [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}
