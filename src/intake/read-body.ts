import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, RequestTimeoutError, ValidationError } from '../errors';
import { formatBytes } from '../sizes';
import type { Reservation } from './byte-budget';

export interface BodyLimits {
  /** Largest body, bytes. */
  maxBytes: number;
  /** After the first seconds, the body must have arrived at least this fast on average. */
  minBytesPerSecond: number;
  /** The whole body within this time. */
  maxMs: number;
  /** Counts the bytes as they arrive (the in-flight budget); may throw to refuse them. */
  reservation?: Reservation;
}

/**
 * The rate is judged only after this long: a connection's first second says little (TCP
 * slow start, the monitor's own forwarding), and a real report of kilobytes is done by then.
 */
export const RATE_GRACE_MS = 5000;
const CHECK_EVERY_MS = 500;

/**
 * Reads a request body into memory, refusing it as soon as it passes `maxBytes` (before
 * reading it at all when Content-Length already says so), or when it arrives slower than
 * `minBytesPerSecond` or takes longer than `maxMs`: a slow client must not hold a
 * connection, its bytes or the budget for minutes.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const started = Date.now();
    const finish = (err: Error | undefined) => {
      clearInterval(timer);
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('aborted', onAbort).off('close', onClose);
      if (err) {
        // Stop reading: the answer tells the client why; the connection closes after it.
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(tooLarge(limits.maxBytes));
      try {
        limits.reservation?.add(chunk.length);
      } catch (err) {
        return finish(err as Error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onAbort = () => finish(new ValidationError('Запрос оборван: тело получено не полностью'));
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed > limits.maxMs) {
        finish(new RequestTimeoutError(`Тело запроса не получено за ${Math.round(limits.maxMs / 1000)} с`));
      } else if (elapsed > RATE_GRACE_MS && size < (limits.minBytesPerSecond * elapsed) / 1000) {
        finish(new RequestTimeoutError(`Тело запроса поступает слишком медленно (меньше ${formatBytes(limits.minBytesPerSecond)} в секунду)`));
      }
    }, CHECK_EVERY_MS);
    timer.unref();
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('aborted', onAbort).on('close', onClose);
  });
}

function tooLarge(limit: number) {
  return new PayloadTooLargeError(`Тело запроса больше допустимых ${formatBytes(limit)}`);
}
