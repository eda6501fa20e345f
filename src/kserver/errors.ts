import type { KServerMethod } from './methods';

/** Base class: anything that went wrong talking to the monitor. */
export class KServerError extends Error {
  override name = 'KServerError';
  constructor(
    message: string,
    readonly method: KServerMethod,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The host does not offer this method (the original simulator offers none). */
export class KServerMethodMissingError extends KServerError {
  override name = 'KServerMethodMissingError';
  constructor(method: KServerMethod) {
    super(`Монитор не предоставляет метод ${method}`, method);
  }
}

/** The host did not answer in time. */
export class KServerTimeoutError extends KServerError {
  override name = 'KServerTimeoutError';
  constructor(method: KServerMethod, ms: number) {
    super(`Монитор не ответил на ${method} за ${ms} мс`, method);
  }
}

/** The host rejected the call, or answered with something we cannot read. */
export class KServerCallError extends KServerError {
  override name = 'KServerCallError';
}
