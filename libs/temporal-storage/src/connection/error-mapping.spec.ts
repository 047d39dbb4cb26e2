import { describe, expect, it } from 'vitest';

import {
  QueryAbortedError,
  QueryTimeoutError,
  StorageDataError,
  StorageError,
  StorageUnavailableError,
} from '../errors';
import { toStorageError } from './error-mapping';

function withFields(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('toStorageError', () => {
  it('maps network failures to StorageUnavailableError', () => {
    expect(
      toStorageError(withFields('connect ECONNREFUSED 127.0.0.1:8123', { code: 'ECONNREFUSED' }), 'q'),
    ).toBeInstanceOf(StorageUnavailableError);
    expect(toStorageError(new Error('socket hang up'), 'q')).toBeInstanceOf(StorageUnavailableError);
    expect(
      toStorageError(withFields('too many', { code: '202', type: 'TOO_MANY_SIMULTANEOUS_QUERIES' }), 'q'),
    ).toBeInstanceOf(StorageUnavailableError);
  });

  it('maps a database or table that is gone to StorageUnavailableError (retry or 503, not a caller mistake)', () => {
    expect(toStorageError(withFields('Unknown table', { code: '60', type: 'UNKNOWN_TABLE' }), 'q')).toBeInstanceOf(
      StorageUnavailableError,
    );
    expect(
      toStorageError(withFields('Database x does not exist', { code: '81', type: 'UNKNOWN_DATABASE' }), 'q'),
    ).toBeInstanceOf(StorageUnavailableError);
  });

  it('maps errors that blame the rows to StorageDataError, apart from unavailability', () => {
    const constraint = toStorageError(
      withFields('Constraint `c` for table t is violated', { code: '469', type: 'VIOLATED_CONSTRAINT' }),
      'insertEvents',
    );
    expect(constraint).toBeInstanceOf(StorageDataError);
    expect(constraint).not.toBeInstanceOf(StorageUnavailableError);
    expect(constraint.message).toContain('ClickHouse rejected the data');
    expect(constraint.message).toContain('Constraint `c`');
    // Only the numeric code, as some clients carry it.
    expect(toStorageError(withFields('Cannot parse input', { code: '27' }), 'q')).toBeInstanceOf(StorageDataError);
    expect(
      toStorageError(withFields('out of range', { type: 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE' }), 'q'),
    ).toBeInstanceOf(StorageDataError);
    // Being down is never the data's fault.
    expect(toStorageError(withFields('gone', { code: '81', type: 'UNKNOWN_DATABASE' }), 'q')).not.toBeInstanceOf(
      StorageDataError,
    );
  });

  it('maps ClickHouse TIMEOUT_EXCEEDED and the client timeout to QueryTimeoutError', () => {
    expect(
      toStorageError(withFields('Timeout exceeded: elapsed 1 ms', { code: '159', type: 'TIMEOUT_EXCEEDED' }), 'q'),
    ).toBeInstanceOf(QueryTimeoutError);
    expect(toStorageError(new Error('Timeout error.'), 'q')).toBeInstanceOf(QueryTimeoutError);
  });

  it('maps aborts to QueryAbortedError', () => {
    expect(toStorageError(withFields('This operation was aborted', { name: 'AbortError' }), 'q')).toBeInstanceOf(
      QueryAbortedError,
    );
  });

  it('keeps other ClickHouse errors as StorageError naming the operation', () => {
    const mapped = toStorageError(withFields('Syntax error', { code: '62', type: 'SYNTAX_ERROR' }), 'getEvent');
    expect(mapped.constructor).toBe(StorageError);
    expect(mapped.message).toBe('getEvent: Syntax error');
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it('passes StorageErrors through unchanged', () => {
    const error = new QueryTimeoutError('x');
    expect(toStorageError(error, 'q')).toBe(error);
  });
});
