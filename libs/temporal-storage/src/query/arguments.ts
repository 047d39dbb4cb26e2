import { MAX_TIMESTAMP_NS } from '@temporal-bridge/event-schema';

import { InvalidArgumentError } from '../errors';

/** A timestamp argument: bigint nanoseconds within int64. */
export function checkTimestamp(what: string, name: string, value: unknown): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_TIMESTAMP_NS) {
    throw new InvalidArgumentError(`${what}: ${name} must be bigint nanoseconds since the epoch within int64`);
  }
  return value;
}

/** An inclusive range [from, to]; from > to is a caller's mistake, not an empty answer. */
export function checkRange(what: string, from: unknown, to: unknown): { from: bigint; to: bigint } {
  const start = checkTimestamp(what, 'from', from);
  const end = checkTimestamp(what, 'to', to);
  if (start > end) throw new InvalidArgumentError(`${what}: from (${start}) is after to (${end})`);
  return { from: start, to: end };
}

/** An id argument: a non-empty string. */
export function checkId(what: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${what}: ${name} must be a non-empty string`);
  }
  return value;
}

/** An optional filter: undefined, or a non-empty string. */
export function checkFilter(what: string, name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : checkId(what, name, value);
}

/** Rows per page: default and maximum `max`. */
export function pageLimit(what: string, limit: unknown, max: number): number {
  if (limit === undefined) return max;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`${what}: limit must be a positive integer`);
  }
  if (limit > max) throw new InvalidArgumentError(`${what}: limit ${limit} is above the maximum ${max}`);
  return limit;
}
