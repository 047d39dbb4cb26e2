import { parseTimestamp } from '@temporal-bridge/event-schema';

import { TemporalBridgeError } from './errors';

/**
 * A point in time as callers like to give it: bigint nanoseconds, a safe
 * integer of nanoseconds, or a string (decimal nanoseconds or ISO-8601).
 */
export type TimestampInput = bigint | number | string;

/** A query argument that is not a valid timestamp, range or id. */
export class InvalidQueryError extends TemporalBridgeError {
  override readonly name = 'InvalidQueryError';
}

export function toNanos(value: TimestampInput, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n) return value;
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  } else {
    const parsed = parseTimestamp(value);
    if (parsed !== undefined) return parsed;
  }
  throw new InvalidQueryError(
    `${what} must be nanoseconds since the epoch (bigint, safe integer, decimal string or ISO-8601), got ${String(value)}`,
  );
}

export function toRange(start: TimestampInput, end: TimestampInput): [bigint, bigint] {
  const from = toNanos(start, 'start');
  const to = toNanos(end, 'end');
  if (from > to) throw new InvalidQueryError(`start (${from}) is after end (${to})`);
  return [from, to];
}
