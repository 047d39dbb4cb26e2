import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import { OtlpItemError, type OtlpProblemCode } from '../otlp-model';

/** Attribute values nested deeper than this (kvlist in array in kvlist...) are refused: abusive, not telemetry. */
export const MAX_VALUE_DEPTH = 16;

/** Sets `key` on a plain object, including `__proto__`, which plain assignment would turn into a prototype change. */
export function setKey(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** An int64 attribute: a JSON number while exact, else a decimal string (like every int64 of this project). */
export function int64ToJson(value: bigint): JsonValue {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** A double attribute: JSON has no NaN or infinities, so those become their OTLP JSON string form. */
export function doubleToJson(value: number): JsonValue {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Hex of an id that must be `size` bytes and not all zero (the OTLP rule for trace and span ids). */
export function checkHexId(hex: string, size: number, field: string, code: OtlpProblemCode): string {
  if (hex.length !== size * 2)
    throw new OtlpItemError(code, `${field}: must be ${size} bytes (${size * 2} hex digits), got ${hex.length / 2}`);
  if (/^0+$/.test(hex)) throw new OtlpItemError(code, `${field}: must not be all zeros (an invalid id in OTLP)`);
  return hex;
}

/**
 * A parent span id: empty (or all zeros, which some SDKs send) means a root
 * span; anything else must be a valid span id.
 */
export function parentHexId(hex: string): string | undefined {
  if (hex === '' || /^0+$/.test(hex)) return undefined;
  return checkHexId(hex, 8, 'parentSpanId', 'invalid_parent_span_id');
}

/** A nanosecond timestamp field: zero means unset in OTLP, which a span cannot be. */
export function requireTime(value: bigint, field: string): bigint {
  if (value <= 0n)
    throw new OtlpItemError('invalid_time', `${field}: missing (0); a span needs both start and end time`);
  return value;
}
