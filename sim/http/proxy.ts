// Forwards a request to a plugin's socket as the monitor does: method, path with query,
// headers (Host and cookies included) and body unchanged, streaming both ways, plus
// x-kodeks-monitor-remote-addr with the client's address.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { REMOTE_ADDR_HEADER } from '../shared/protocol';
import { clientIp, sendText } from './html';

/** Headers that describe our connection with the client, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive']);

export function proxyToSocket(req: IncomingMessage, res: ServerResponse, socketPath: string, route: string): void {
  const headers: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    // A client must not be able to pose as another address.
    if (req.rawHeaders[i]!.toLowerCase() !== REMOTE_ADDR_HEADER) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  headers.push(REMOTE_ADDR_HEADER, clientIp(req));

  const upstream = http.request({ socketPath, method: req.method, path: req.url, headers, agent: false });
  upstream.on('response', (answer) => {
    const back: string[] = [];
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase())) back.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendText(res, 502, `Плагин «${route}» не отвечает (нет соединения с его сокетом).`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
}
