// Server information and the Kodeks/Techexpert content: GetServerInfo, KodeksDocInfo,
// KodeksProductStatus.
import type { SimConfig } from '../config';
import { ApiError } from '../errors';
import { toNumber } from './args';

/** GetServerInfo(): Port is the port the simulator really listens on. */
export function getServerInfo(config: SimConfig, port: number) {
  return {
    Port: port,
    Hostname: config.server.hostname,
    Protocol: config.server.protocol,
    Host: `${config.server.hostname}:${port}`,
    PreferredVDir: config.server.preferredVDir,
  };
}

/** KodeksDocInfo(docNum, session?): configured documents; others reject. */
export function kodeksDocInfo(config: SimConfig, args: unknown[]) {
  const num = toNumber(args[0], 'docNum');
  const doc = config.documents.find((d) => d.num === num);
  if (!doc) throw new ApiError(`KodeksDocInfo: document ${num} not found`);
  return { status: doc.status, tooltip: doc.tooltip };
}

/** KodeksProductStatus(productId, session?): unknown products are not plugged. */
export function kodeksProductStatus(config: SimConfig, args: unknown[]) {
  const id = toNumber(args[0], 'productId');
  return { plugged: config.products.find((p) => p.id === id)?.plugged ?? false };
}
