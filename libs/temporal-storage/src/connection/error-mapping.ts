import {
  QueryAbortedError,
  QueryTimeoutError,
  StorageDataError,
  StorageError,
  StorageUnavailableError,
} from '../errors';

/** Network failures: ClickHouse is not there (or not yet, or no more). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * ClickHouse error types that mean "overloaded, try again later": callers
 * treat them as unavailability (backpressure), not as a bug in the query.
 */
const OVERLOAD_TYPES = new Set([
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'TOO_MANY_PARTS',
  'MEMORY_LIMIT_EXCEEDED',
  'NETWORK_ERROR',
  'SOCKET_TIMEOUT',
  'ALL_CONNECTION_TRIES_FAILED',
]);

/**
 * Our database or a table of it is gone (dropped, detached, or a server
 * restored without it): nothing the caller asked is wrong, the storage is
 * not there. Callers retry or answer 503, as for an outage.
 */
const SCHEMA_GONE_TYPES = new Set(['UNKNOWN_DATABASE', 'UNKNOWN_TABLE']);

/**
 * ClickHouse error types that blame the rows sent, not the server: the same
 * insert fails again on any retry, so the rows must be isolated instead
 * (batch flusher). Names as ClickHouse spells them (ErrorCodes.cpp), with
 * their numeric codes for clients that carry only the number.
 */
const DATA_TYPES = new Map<string, string>([
  ['CANNOT_PARSE_TEXT', '6'],
  ['CANNOT_PARSE_ESCAPE_SEQUENCE', '25'],
  ['CANNOT_PARSE_QUOTED_STRING', '26'],
  ['CANNOT_PARSE_INPUT_ASSERTION_FAILED', '27'],
  ['CANNOT_READ_ALL_DATA', '33'],
  ['CANNOT_PARSE_DATE', '38'],
  ['CANNOT_PARSE_DATETIME', '41'],
  ['TYPE_MISMATCH', '53'],
  ['CANNOT_CONVERT_TYPE', '70'],
  ['CANNOT_PARSE_NUMBER', '72'],
  ['INCORRECT_DATA', '117'],
  ['TOO_LARGE_STRING_SIZE', '131'],
  ['VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE', '321'],
  ['CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN', '349'],
  ['CANNOT_PARSE_UUID', '376'],
  ['CANNOT_PARSE_BOOL', '467'],
  ['VIOLATED_CONSTRAINT', '469'],
]);
const DATA_CODES = new Set(DATA_TYPES.values());

const TIMEOUT_TYPES = new Set(['TIMEOUT_EXCEEDED']);

/**
 * Maps whatever the client threw (ClickHouseError from the server or from
 * chdb, a Node network error, the client's own timeout) to a typed
 * StorageError. Duck-typed: chdb and @clickhouse/client each bundle their
 * own ClickHouseError class, so instanceof cannot be trusted.
 */
export function toStorageError(error: unknown, what: string): StorageError {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    type?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  const type = typeof fields.type === 'string' ? fields.type : undefined;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const causeCode = (fields.cause as { code?: unknown } | undefined)?.code;

  if (
    fields.name === 'AbortError' ||
    type === 'QUERY_WAS_CANCELLED' ||
    /aborted a request|query aborted/i.test(message)
  ) {
    return new QueryAbortedError(`${what}: aborted by the caller`, { cause: error });
  }
  if ((type !== undefined && TIMEOUT_TYPES.has(type)) || code === '159' || /^Timeout error/i.test(message)) {
    return new QueryTimeoutError(`${what}: timed out (${message})`, { cause: error });
  }
  if (
    (code !== undefined && UNREACHABLE_CODES.has(code)) ||
    (typeof causeCode === 'string' && UNREACHABLE_CODES.has(causeCode)) ||
    (type !== undefined && (OVERLOAD_TYPES.has(type) || SCHEMA_GONE_TYPES.has(type))) ||
    /socket hang up|connection is closed|client is closed/i.test(message)
  ) {
    return new StorageUnavailableError(`${what}: ClickHouse is unavailable (${message})`, { cause: error });
  }
  if ((type !== undefined && DATA_TYPES.has(type)) || (code !== undefined && DATA_CODES.has(code))) {
    return new StorageDataError(`${what}: ClickHouse rejected the data (${message})`, { cause: error });
  }
  return new StorageError(`${what}: ${message}`, { cause: error });
}
