import { TooManyRequestsError } from '../errors';

/**
 * Requests with a body in progress per client address: one address (one attacker, or a
 * client that lost its way) cannot hold every connection, while an office behind one
 * NAT still sends its reports, which take milliseconds each.
 */
export class UploadGate {
  private readonly open = new Map<string, number>();

  constructor(private readonly perAddress: number) {}

  /** Counts one request of `address`; the returned function ends it (once). */
  enter(address: string | undefined): () => void {
    const key = address ?? '';
    const now = this.open.get(key) ?? 0;
    if (now >= this.perAddress) {
      throw new TooManyRequestsError('С этого адреса уже передаётся слишком много отчётов одновременно. Повторите отправку позже.');
    }
    this.open.set(key, now + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** Addresses with a request in progress (for tests and the status page). */
  get addresses(): number {
    return this.open.size;
  }
}
