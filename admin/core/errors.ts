/**
 * The errors a page can end in. Handlers throw them; the app's one `onError` turns each into an
 * HTML page or a JSON body with the matching status.
 */

/** A query parameter or path segment the user got wrong (HTTP 400). */
export class InputError extends Error {
  /** The parameter that was wrong, e.g. `page`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = "InputError";
    this.field = field;
  }
}

/** A well-formed id that names nothing (HTTP 404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The store a page needs could not answer (HTTP 503); `store` is shown to the user. */
export class StoreUnavailableError extends Error {
  /** `PostgreSQL` or `ClickHouse`. */
  readonly store: string;
  readonly retriable = true;
  constructor(store: string, opts: { cause?: unknown } = {}) {
    super(`${store} is unavailable`, { cause: opts.cause });
    this.name = "StoreUnavailableError";
    this.store = store;
  }
}

/** The signed-in role may not do this, or a state-changing request lacks its CSRF token (403). */
export class ForbiddenError extends Error {
  /** `role` (the role is too weak) or `csrf` (the token is missing or wrong). */
  readonly reason: "role" | "csrf";
  constructor(reason: "role" | "csrf", message: string) {
    super(message);
    this.name = "ForbiddenError";
    this.reason = reason;
  }
}
