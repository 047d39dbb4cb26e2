import {
  InvalidArgumentError,
  InvalidCursorError,
  QueryAbortedError,
  QueryTimeoutError,
  StorageError,
} from '@temporal-bridge/temporal-storage';

import { ApiError } from './api-error';

/**
 * The HTTP answer for an error storage raised, or undefined when it is not a
 * storage error (a bug: answered 500 and logged). The cause goes to the log,
 * never to the client (it may name hosts, databases, tables).
 *
 * - a query past QUERY_TIMEOUT_MS: 504 query_timeout, its own code so a
 *   client narrows its question instead of retrying the same one;
 * - a cursor storage cannot read (malformed, or from another query): 400
 *   invalid_parameter naming `cursor`; another argument storage refuses
 *   (edge validation should have caught it first): 400 as well;
 * - a query aborted because its client left: 499, never written;
 * - anything else storage raises, StorageUnavailableError (unreachable,
 *   overloaded) or not (e.g. the database or a table is missing, detached,
 *   being migrated): 503 storage_unavailable. The request was valid; all the
 *   client can do is retry later, which is what 503 says. Operators see the
 *   cause in the log.
 */
export function storageErrorToApiError(error: unknown): ApiError | undefined {
  if (!(error instanceof StorageError)) return undefined;
  const cause = { cause: error };
  if (error instanceof QueryTimeoutError) {
    return new ApiError(
      504,
      'query_timeout',
      'the query did not finish within QUERY_TIMEOUT_MS; narrow it (a shorter range, a smaller limit)',
      {},
      cause,
    );
  }
  if (error instanceof InvalidCursorError) {
    return new ApiError(400, 'invalid_parameter', `cursor: ${error.message.replace(/^cursor /, '')}`, {}, cause);
  }
  if (error instanceof InvalidArgumentError) {
    return new ApiError(400, 'invalid_parameter', error.message, {}, cause);
  }
  if (error instanceof QueryAbortedError) {
    return new ApiError(499, 'client_closed_request', 'the client closed the connection', {}, cause);
  }
  return new ApiError(
    503,
    'storage_unavailable',
    'storage is unavailable: ClickHouse cannot be reached or cannot answer; retry later',
    {},
    cause,
  );
}
