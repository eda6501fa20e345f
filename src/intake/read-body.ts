import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, ValidationError } from '../errors';

/**
 * Reads a request body into memory, refusing it as soon as it passes `limit` bytes
 * (before reading it at all when Content-Length already says so).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        req.resume(); // drain the rest so the connection can answer
        throw tooLarge(limit);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof PayloadTooLargeError) throw err;
    throw new ValidationError('Запрос оборван: тело получено не полностью');
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number) {
  return new PayloadTooLargeError(`Тело запроса больше допустимых ${Math.round(limit / 1024 / 1024)} МБ`);
}
