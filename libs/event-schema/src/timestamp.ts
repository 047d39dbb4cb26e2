import { MAX_TIMESTAMP_NS } from './event';

/** Where "now" comes from; tests and the bridge swap it, never monkey-patch Date. */
export interface Clock {
  /** Nanoseconds since the Unix epoch. */
  nowNanos(): bigint;
}

/**
 * The system clock with microsecond resolution (performance.timeOrigin plus
 * the monotonic performance.now), so events emitted in one millisecond still
 * order by time.
 */
export const systemClock: Clock = {
  nowNanos: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n,
};

const DECIMAL = /^\d{1,19}$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads a timestamp as given in a query: decimal nanoseconds since the epoch,
 * or ISO-8601 with up to nanosecond precision and an explicit zone
 * (`2026-11-24T10:00:00.123456789Z`). Returns undefined when it is neither.
 */
export function parseTimestamp(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (DECIMAL.test(trimmed)) {
    const value = BigInt(trimmed);
    return value <= MAX_TIMESTAMP_NS ? value : undefined;
  }
  const m = ISO_8601.exec(trimmed);
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  // Date.UTC silently rolls over (Feb 30 -> Mar 2); reject what it had to fix.
  const check = new Date(ms);
  if (
    Number.isNaN(ms) ||
    check.getUTCFullYear() !== Number(year) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCDate() !== Number(day) ||
    check.getUTCHours() !== Number(hour) ||
    check.getUTCMinutes() !== Number(minute) ||
    check.getUTCSeconds() !== Number(second)
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const nanos = BigInt(ms - offsetMinutes * 60_000) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
  return nanos >= 0n && nanos <= MAX_TIMESTAMP_NS ? nanos : undefined;
}

/** `2026-11-24T10:00:00.123456789Z` for a nanosecond timestamp. */
export function formatTimestamp(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // ...ss.mmmZ
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}
