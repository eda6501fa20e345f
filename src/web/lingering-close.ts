import type { Socket } from 'node:net';
import type { Context } from 'koa';

/** How long a connection closed under a body still arriving keeps being read after the answer. */
export const LINGER_MS = 2000;

/**
 * Closes the connection after the answer without losing the answer (a slow client's 408).
 * With `Connection: close` Node ends and destroys the socket as soon as the answer is
 * written (`destroySoon`). A socket closed while the client's bytes are still arriving is
 * reset, and whoever is still forwarding the body — the monitor — gets EPIPE on its next
 * write and may drop the answer it has not read yet (the simulator then answered 502 instead
 * of 408, now and then). As HTTP servers do (RFC 9112 §9.6, "tear-down"): half-close after the
 * answer, read and drop what still arrives for LINGER_MS, then close. The socket's bytes go
 * nowhere (the request is dumped), and the slow client holds the connection two seconds more,
 * not minutes.
 */
export function closeAfterAnswer(ctx: Context): void {
  ctx.set('Connection', 'close');
  const socket = ctx.req.socket as Socket & { destroySoon?: () => void };
  // Where a Node version has no destroySoon, Node closes the way it does, and nothing is lost but the linger.
  if (typeof socket.destroySoon !== 'function') return;
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.destroyed) return;
    this.end();
    this.resume();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}
