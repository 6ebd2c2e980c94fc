/**
 * Every error attune throws or reports is an `AttuneError` with a stable
 * `code`, so a host page can branch on it without parsing messages.
 *
 * @example
 * try {
 *   await createPersonalizer({ bundle: '/bundles/shop/' });
 * } catch (error) {
 *   if (error instanceof AttuneError) console.warn(`attune unavailable (${error.code})`);
 * }
 */
export class AttuneError extends Error {
  /** Stable machine-readable reason, e.g. `'invalid-input'`, `'bundle-timeout'`, `'storage-failed'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AttuneError';
    this.code = code;
  }
}

/**
 * A bad argument to a public function; `field` names the offending field.
 *
 * @example
 * p.track({ type: 'clik', itemId: 'sku-1' } as never).catch((e) => e instanceof InvalidInputError && console.error(e.field)); // 'type'
 */
export class InvalidInputError extends AttuneError {
  /** The option or argument that was wrong, as a path such as `'retention.maxEvents'`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid-input', `${field}: ${message}`);
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

/** The `code` of a BundleError: what went wrong while fetching or verifying the bundle. */
export type BundleErrorCode =
  | 'bundle-fetch-failed'
  | 'bundle-malformed'
  | 'bundle-unsupported-version'
  | 'bundle-hash-mismatch'
  | 'bundle-insecure-context'
  | 'bundle-timeout'
  | 'bundle-integrity';

/**
 * The bundle could not be fetched, parsed or verified; nothing from it was used.
 *
 * @example
 * createPersonalizer({ bundle: '/bundles/shop/' }).catch((e) => {
 *   if (e instanceof BundleError && e.code === 'bundle-timeout') showRetryButton();
 * });
 */
export class BundleError extends AttuneError {
  constructor(code: BundleErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BundleError';
  }
}

/**
 * No backend could initialize, or the chosen one failed.
 *
 * @example
 * createPersonalizer({ bundle: '/bundles/shop/', backend: 'webgpu' }).catch((e) => {
 *   if (e instanceof BackendError) return createPersonalizer({ bundle: '/bundles/shop/', backend: 'cpu' });
 *   throw e;
 * });
 */
export class BackendError extends AttuneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('backend-unavailable', message, options);
    this.name = 'BackendError';
  }
}

/**
 * Storage failed (IndexedDB unavailable, quota, blocked upgrade).
 *
 * @example
 * p.on('error', (e) => { if (e instanceof StorageError) banner.textContent = 'History is kept for this visit only'; });
 */
export class StorageError extends AttuneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage-failed', message, options);
    this.name = 'StorageError';
  }
}

/**
 * The personalizer was used after `dispose()`.
 *
 * @example
 * await p.dispose();
 * await p.recommend().catch((e) => console.assert(e instanceof DisposedError));
 */
export class DisposedError extends AttuneError {
  constructor(what = 'personalizer') {
    super('disposed', `this ${what} was disposed`);
    this.name = 'DisposedError';
  }
}
