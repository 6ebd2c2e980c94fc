/**
 * Every error attune throws or reports is an `AttuneError` with a stable
 * `code`, so a host page can branch on it without parsing messages.
 */
export class AttuneError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AttuneError';
    this.code = code;
  }
}

/** A bad argument to a public function; `field` names the offending field. */
export class InvalidInputError extends AttuneError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid-input', `${field}: ${message}`);
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

export type BundleErrorCode =
  | 'bundle-fetch-failed'
  | 'bundle-malformed'
  | 'bundle-unsupported-version'
  | 'bundle-hash-mismatch'
  | 'bundle-insecure-context'
  | 'bundle-timeout'
  | 'bundle-integrity';

/** The bundle could not be fetched, parsed or verified; nothing from it was used. */
export class BundleError extends AttuneError {
  constructor(code: BundleErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BundleError';
  }
}

/** No backend could initialize, or the chosen one failed. */
export class BackendError extends AttuneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('backend-unavailable', message, options);
    this.name = 'BackendError';
  }
}

/** Storage failed (IndexedDB unavailable, quota, blocked upgrade). */
export class StorageError extends AttuneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage-failed', message, options);
    this.name = 'StorageError';
  }
}

/** The personalizer was used after `dispose()`. */
export class DisposedError extends AttuneError {
  constructor(what = 'personalizer') {
    super('disposed', `this ${what} was disposed`);
    this.name = 'DisposedError';
  }
}
