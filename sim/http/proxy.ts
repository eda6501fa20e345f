// Forwards a request to a plugin's socket as the monitor does: method, path with query,
// headers (Host and cookies included) and body unchanged, streaming both ways, plus
// x-kodeks-monitor-remote-addr with the client's address. Every answer the plugin gives
// reaches the client, even one given before the body was all sent.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { REMOTE_ADDR_HEADER } from '../shared/protocol';
import { clientIp, sendText } from './html';

/** Headers that describe one connection, not the message: never passed from one hop to the next. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export function proxyToSocket(req: IncomingMessage, res: ServerResponse, socketPath: string, route: string): void {
  const headers: string[] = [];
  const named = connectionTokens(req.headers.connection);
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    // A client must not be able to pose as another address.
    if (name === REMOTE_ADDR_HEADER || named.has(name)) continue;
    // Transfer-Encoding is kept: Node re-frames a chunked body only when told it is chunked.
    if (HOP_BY_HOP.has(name) && name !== 'transfer-encoding') continue;
    headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  headers.push(REMOTE_ADDR_HEADER, clientIp(req));
  // Our connection to the plugin is our own, whatever the client asked of its connection to
  // us. Keep-alive on it matters: a Node server that answers early (413 by Content-Length)
  // then reads and discards the rest of the body, where with `Connection: close` it would close
  // the socket under the body still being sent, and the answer would be lost in the EPIPE.
  headers.push('Connection', 'keep-alive');

  const upstream = http.request({ socketPath, method: req.method, path: req.url, headers, agent: false });
  let answered = false;
  upstream.on('response', (answer) => {
    answered = true;
    const back: string[] = [];
    const namedBack = connectionTokens(answer.headers.connection);
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i]!.toLowerCase();
      if (!HOP_BY_HOP.has(name) && !namedBack.has(name)) back.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    // An error after the answer began (the plugin closed under our body) is no reason to
    // spoil the answer: it either completes or the client sees a cut connection.
    if (answered) return;
    if (res.headersSent) res.destroy();
    else sendText(res, 502, `Плагин «${route}» не отвечает (нет соединения с его сокетом).`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
}

/** Header names a Connection header lists as hop-by-hop for this connection. */
function connectionTokens(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => t && t !== 'close' && t !== 'keep-alive'));
}
