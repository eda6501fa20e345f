/**
 * `npm run send -- [--url http://localhost:8087/pult] <report.zip>…`
 * Sends report zips to pult as the 1C platform does: getInfo first, then pushReport as
 * multipart with a uuid boundary (sent even when getInfo declines, to show the refusal).
 */
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { getInfo, getInfoFor, pushReport } from './platform/report-client';

async function main(argv: string[]): Promise<number> {
  let url = process.env.PULT_URL ?? 'http://localhost:8087/pult';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--url') url = argv[++i] ?? url;
    else if (a === '--help' || a === '-h') return usage(0);
    else files.push(a);
  }
  if (files.length === 0) return usage(2);
  let failed = 0;
  for (const file of files) {
    const name = path.basename(file);
    let zip: Buffer;
    try {
      zip = fs.readFileSync(file);
    } catch (err) {
      console.log(`${name}: не прочитан (${(err as Error).message})`);
      failed++;
      continue;
    }
    try {
      const report = await readReportJson(zip);
      if (report) {
        // The platform asks first; a tester wants to see the refusal too, so we send anyway.
        const info = await getInfo(url, getInfoFor(report));
        console.log(`${name}: getInfo ${info.status} ${info.body.trim()}`);
      }
      const answer = await pushReport(url, zip);
      const text = answer.body ? ` ${answer.body.trim()}` : '';
      console.log(`${name}: pushReport ${answer.status}${text} (${answer.ms.toFixed(0)} мс)`);
      if (answer.status !== 200) failed++;
    } catch (err) {
      console.log(`${name}: не отправлен — ${(err as Error).message} (запущен ли симулятор: npm start?)`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

async function readReportJson(zip: Buffer): Promise<Record<string, unknown> | undefined> {
  try {
    const text = await (await JSZip.loadAsync(zip)).file('report.json')?.async('string');
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined; // a broken zip is still sent: that is what the tool may be testing
  }
}

function usage(code: number): number {
  console.log('Использование: npm run send -- [--url http://localhost:8087/pult] файл.zip …');
  return code;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
