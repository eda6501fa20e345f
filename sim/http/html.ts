// Small helpers for the simulator's own pages and error answers. Every value put into a page
// goes through esc().
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}pre{white-space:pre-wrap;background:#f7f7f7;padding:.6em;border:1px solid #ddd}
nav a{margin-right:1em}.muted{color:#777}.bad{color:#a00}.ok{color:#070}label{display:block;margin:.3em 0}`;

/** A whole page with the simulator's menu. `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<nav><a href="/_sim/">Симулятор</a><a href="/_sim/login">Вход</a><a href="/_sim/outbox">Исходящая почта</a></nav>
<h1>${esc(title)}</h1>
${body}
</body></html>`;
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, ...headers });
  res.end(body);
}

export function redirect(res: ServerResponse, location: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(303, { location, 'content-length': 0, ...headers });
  res.end();
}

/** The client's address as the monitor reports it (IPv4-mapped IPv6 shown as IPv4). */
export function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** Reads a small urlencoded form body. */
export async function readForm(req: IncomingMessage, limit = 64 * 1024): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
