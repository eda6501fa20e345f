import { TooManyRequestsError } from '../errors';
import { TtlCache } from './ttl-cache';

/** Denied access checks one client address may cause in a minute before it is refused without asking. */
export const DENIALS_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

/**
 * Throttles session guessing: every denied CheckAccess of an address is counted; past
 * DENIALS_PER_MINUTE its requests get 429 without a CheckAccess call (1,136 guesses a
 * second were answered before). Sessions that were granted lately pass regardless, so
 * a colleague behind the same NAT as a guesser is not slowed.
 */
export class DenialThrottle {
  private readonly denials = new TtlCache<{ n: number }>(WINDOW_MS);
  private readonly trusted = new TtlCache<true>(60 * WINDOW_MS);

  /** Throws when `address` has been denied too often and `sessionKey` is not a known granted one. */
  check(address: string | undefined, sessionKey: string | undefined): void {
    if (sessionKey && this.trusted.get(sessionKey)) return;
    if ((this.denials.get(address ?? '')?.n ?? 0) >= DENIALS_PER_MINUTE) {
      throw new TooManyRequestsError(
        'Слишком много отказов в доступе с этого адреса. Повторите попытку через минуту.',
        'Войдите в KServer под пользователем, которому выдан доступ к pult.',
      );
    }
  }

  denied(address: string | undefined): void {
    const key = address ?? '';
    const seen = this.denials.get(key);
    if (seen) seen.n++;
    else this.denials.set(key, { n: 1 });
  }

  granted(sessionKey: string | undefined): void {
    if (sessionKey) this.trusted.set(sessionKey, true);
  }
}
