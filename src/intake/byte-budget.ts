import { UnavailableError } from '../errors';

/**
 * Bytes of report bodies held at once. Each request is bounded on its own; this bounds
 * their sum, so many large uploads at once answer 503 instead of exhausting memory.
 * Bytes are counted as they arrive, never as a header promises: a slow client that
 * declares 64 MB and sends one byte holds one byte.
 */
export class ByteBudget {
  private held = 0;

  constructor(private readonly max: number) {}

  /** A reservation for one request, empty at first; `release` gives its bytes back (once). */
  open(): Reservation {
    let mine = 0;
    let released = false;
    return {
      add: (bytes: number) => {
        if (released) return;
        // One request alone may always use the whole budget (its own limit bounds it).
        if (this.held > mine && this.held + bytes > this.max) {
          throw new ServiceBusyError('Сервис сейчас принимает слишком много отчётов одновременно. Повторите отправку позже.');
        }
        this.held += bytes;
        mine += bytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.held -= mine;
        mine = 0;
      },
    };
  }

  get inUse(): number {
    return this.held;
  }
}

export interface Reservation {
  /** Counts `bytes` more; throws ServiceBusyError when the budget cannot hold them. */
  add(bytes: number): void;
  release(): void;
}

export class ServiceBusyError extends UnavailableError {
  override name = 'ServiceBusyError';
}
