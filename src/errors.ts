/**
 * Errors a request can end with. `expose` decides whether the message reaches the client
 * (client errors: yes; server errors: a generic text, the details go to the log).
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number = 500;
  readonly code: string = 'internal';
  readonly expose: boolean = false;
  constructor(
    message?: string,
    /** A second line for the HTML page: what the person can do about it. */
    public hint?: string,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  override readonly status: number = 400;
  override readonly code: string = 'invalid';
  override readonly expose = true;
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/** The request is well-formed but the rules refuse it (an unaccepted configuration, say). */
export class RefusedError extends AppError {
  override name = 'RefusedError';
  override readonly status = 422;
  override readonly code: string = 'refused';
  override readonly expose = true;
}

/** The service's address lists (registry/ip-filter.ts) do not take this client's address. */
export class AddressRefusedError extends AppError {
  override name = 'AddressRefusedError';
  override readonly status = 403;
  override readonly code = 'address-refused';
  override readonly expose = true;
  constructor() {
    super('Отчёты с этого адреса не принимаются этим сервисом', 'Адрес не входит в список разрешённых или входит в список запрещённых (настройки pult).');
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  override readonly status = 413;
  override readonly code = 'too-large';
  override readonly expose = true;
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  override readonly status = 404;
  override readonly code = 'not-found';
  override readonly expose = true;
  constructor(message = 'Страница не найдена', hint?: string) {
    super(message, hint);
  }
}

export class AccessDeniedError extends AppError {
  override name = 'AccessDeniedError';
  override readonly status = 403;
  override readonly code = 'access-denied';
  override readonly expose = true;
  constructor(
    message: string,
    hint: string,
    /** Whether a KServer user is logged in: the page offers a login link only to those who are not. */
    readonly who: { signedIn: boolean },
  ) {
    super(message, hint);
  }
}

/** Access cannot be decided here: the host has no CheckAccess, or did not answer. Never open. */
export class AccessUncheckableError extends AppError {
  override name = 'AccessUncheckableError';
  override readonly status = 503;
  override readonly code = 'access-uncheckable';
  override readonly expose = true;
}

export class CsrfError extends AppError {
  override name = 'CsrfError';
  override readonly status = 403;
  override readonly code = 'csrf';
  override readonly expose = true;
  constructor() {
    super('Форма устарела или отправлена с чужой страницы. Обновите страницу и повторите.');
  }
}

/** The plugin cannot serve: a bad configuration, storage that failed to open. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  override readonly status = 503;
  override readonly code = 'unavailable';
  override readonly expose = true;
}

/** A body that arrives too slowly or for too long: the connection is closed after the answer. */
export class RequestTimeoutError extends AppError {
  override name = 'RequestTimeoutError';
  override readonly status = 408;
  override readonly code = 'timeout';
  override readonly expose = true;
}

/** One client address has too many requests at once, or too many refusals in a row. */
export class TooManyRequestsError extends AppError {
  override name = 'TooManyRequestsError';
  override readonly status = 429;
  override readonly code = 'too-many';
  override readonly expose = true;
}

/** A body whose Content-Encoding we do not read. */
export class UnsupportedEncodingError extends AppError {
  override name = 'UnsupportedEncodingError';
  override readonly status = 415;
  override readonly code = 'encoding';
  override readonly expose = true;
}

/**
 * The change was made on a page that is out of date: someone changed the same thing since.
 * Nothing is written; `details` tells a program the current revision and what changed.
 */
export class ConflictError extends AppError {
  override name = 'ConflictError';
  override readonly status = 409;
  override readonly code = 'conflict';
  override readonly expose = true;
  constructor(
    message: string,
    hint: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message, hint);
  }
}
