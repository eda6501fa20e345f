import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * Speaks to an error-report service the way the 1C:Enterprise platform does
 * (1c-protocol.md): getInfo as pretty-printed JSON, pushReport as multipart/form-data
 * with a `uuid<GUID>` boundary and the platform's broken part header.
 */

export function pushReportBody(zip: Buffer, boundary = 'uuid' + randomUUID()): { body: Buffer; contentType: string } {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="report"; filename="report.zip"\r\nContent-Type: Content-Type\r\n\r\n`,
    'latin1',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  return { body: Buffer.concat([head, zip, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** POSTs one body; resolves with status and text (never rejects on an HTTP error status). */
export function post(url: string, body: Buffer, contentType: string, agent?: http.Agent): Promise<Answer> {
  const started = process.hrtime.bigint();
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: 'POST', agent, headers: { 'Content-Type': contentType, 'Content-Length': body.length, 'User-Agent': '1C+Enterprise/8.3' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function pushReport(base: string, zip: Buffer, agent?: http.Agent): Promise<Answer> {
  const { body, contentType } = pushReportBody(zip);
  return post(`${base.replace(/\/+$/, '')}/pushReport`, body, contentType, agent);
}

export function getInfo(base: string, info: Record<string, unknown>, agent?: http.Agent): Promise<Answer> {
  return post(`${base.replace(/\/+$/, '')}/getInfo`, Buffer.from(JSON.stringify(info, null, 4), 'utf8'), 'application/json', agent);
}

/** The getInfo body the platform would send for a report.json. */
export function getInfoFor(report: Record<string, any>): Record<string, unknown> {
  return {
    configName: report.configInfo?.name ?? '',
    configVersion: report.configInfo?.version ?? '',
    configHash: report.configInfo?.hash ?? '',
    appStackHash: report.errorInfo?.applicationErrorInfo?.stackHash ?? '',
    clientStackHash: report.errorInfo?.systemErrorInfo?.clientStackHash ?? '',
    platformType: report.clientInfo?.platformType ?? '',
    appName: report.clientInfo?.appName ?? '',
    appVersion: report.clientInfo?.appVersion ?? '',
    platformInterfaceLanguageCode: report.sessionInfo?.platformInterfaceLanguageCode ?? 'ru',
    configurationInterfaceLanguageCode: report.sessionInfo?.configurationInterfaceLanguageCode ?? 'ru',
  };
}
