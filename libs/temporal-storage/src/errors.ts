/**
 * Typed failures of TemporalStorage. Callers map them, not messages:
 * StorageUnavailableError -> 503 / backpressure, StorageDataError -> isolate
 * the rows and set them aside (dead letter, rejected by index), InvalidCursorError and
 * InvalidArgumentError -> 400, QueryTimeoutError -> 504.
 */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** ClickHouse cannot be reached (connection refused, reset, DNS, closed storage...). Retry later. */
export class StorageUnavailableError extends StorageError {}

/**
 * ClickHouse refused the data itself (a value its column type cannot hold, a
 * violated constraint, unparsable input): sending the same rows again fails
 * the same way. Callers isolate the rows and set them aside; they must not
 * retry them as if the server were down.
 */
export class StorageDataError extends StorageError {}

/** A query ran longer than `queryTimeoutMs` (ClickHouse TIMEOUT_EXCEEDED or the client's timeout). */
export class QueryTimeoutError extends StorageError {}

/** The caller's AbortSignal fired before the answer arrived. */
export class QueryAbortedError extends StorageError {}

/** A cursor that this storage did not issue for this very query (malformed, tampered or from another query). */
export class InvalidCursorError extends StorageError {}

/** An argument no query can answer: from > to, a limit that is not a positive integer, a malformed event... */
export class InvalidArgumentError extends StorageError {}

/** A recorded migration differs from the one this build ships (edited after it was applied). */
export class MigrationError extends StorageError {}
