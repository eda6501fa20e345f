import { UnavailableError } from '../errors';

/**
 * Bytes of report bodies held at once. Each request is bounded on its own; this bounds
 * their sum, so many large uploads at once answer 503 instead of exhausting memory.
 */
export class ByteBudget {
  private held = 0;

  constructor(private readonly max: number) {}

  /** Reserves `bytes` for one request; the returned function gives them back (once). */
  take(bytes: number): () => void {
    if (this.held > 0 && this.held + bytes > this.max) {
      throw new ServiceBusyError('Сервис сейчас принимает слишком много отчётов одновременно. Повторите отправку позже.');
    }
    this.held += bytes;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.held -= bytes;
    };
  }

  get inUse(): number {
    return this.held;
  }
}

export class ServiceBusyError extends UnavailableError {
  override name = 'ServiceBusyError';
}
