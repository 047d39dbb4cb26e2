import { MAX_TIMESTAMP_NS } from './event';
import { formatTimestamp } from './timestamp';

/**
 * Which explicit timestamps an ingest path can keep. A timestamp outside it
 * would be stored only to be deleted by retention (or sit in the future where
 * no "last 10 minutes" query finds it), so it is rejected with a reason
 * instead: a 2xx must mean stored.
 */
export interface TimestampWindow {
  /** Events older than this many days are deleted by retention; 0 or absent: kept forever. */
  retentionDays?: number;
  /** How far ahead of this host's clock a producer's clock may run. */
  maxClockSkewSeconds: number;
}

/** Default clock-skew allowance: generous for NTP-synced hosts, tight enough to catch unit mistakes. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Below this (1973-03-03T09:46:40Z) a nanosecond timestamp is not a plausible
 * event time whatever the retention: it is a value in another unit, or unset.
 */
export const PLAUSIBLE_TIMESTAMP_FLOOR_NS = 10n ** 17n;

const NS_PER_DAY = 86_400_000_000_000n;
const NS_PER_SECOND = 1_000_000_000n;

/**
 * Units a producer may have sent by mistake, by magnitude of the value: a
 * number of seconds, milliseconds or microseconds that, scaled to
 * nanoseconds, lands at or after the plausible floor.
 */
const UNITS: ReadonlyArray<{ name: string; factor: bigint; below: bigint }> = [
  { name: 'seconds', factor: 1_000_000_000n, below: 10n ** 11n },
  { name: 'milliseconds', factor: 1_000_000n, below: 10n ** 14n },
  { name: 'microseconds', factor: 1_000n, below: 10n ** 17n },
];

/**
 * Why `timestamp` cannot be kept at `now` under `window`, naming the likely
 * mistake; undefined when it can. Only explicit timestamps are checked: an
 * inferred one is the receive time.
 *
 * @example
 * timestampWindowProblem(1796160000n, now, { maxClockSkewSeconds: 300 });
 * // 'timestamp 1796160000 looks like seconds since the epoch; timestamps are nanoseconds (1796160000000000000 is 2026-12-01T...Z)'
 */
export function timestampWindowProblem(timestamp: bigint, now: bigint, window: TimestampWindow): string | undefined {
  const keep = keptRange(now, window);
  if (timestamp >= keep.oldest && timestamp <= keep.latest) return undefined;
  if (timestamp < PLAUSIBLE_TIMESTAMP_FLOOR_NS) return unitProblem(timestamp);
  const skewNs = BigInt(window.maxClockSkewSeconds) * NS_PER_SECOND;
  if (timestamp > now + skewNs) {
    const ahead = (timestamp - now) / NS_PER_SECOND;
    return (
      `timestamp ${timestamp} (${formatTimestamp(timestamp)}) is ${ahead} s in the future, beyond the ` +
      `${window.maxClockSkewSeconds} s clock-skew allowance: check the producer's clock; timestamps are nanoseconds since the epoch`
    );
  }
  const days = window.retentionDays ?? 0;
  if (days > 0) {
    const oldest = now - BigInt(days) * NS_PER_DAY;
    if (timestamp < oldest) {
      return (
        `timestamp ${timestamp} (${formatTimestamp(timestamp)}) is before the ${days}-day retention window ` +
        `(events from ${formatTimestamp(oldest)} on are kept): it would be deleted, so it is not stored`
      );
    }
  }
  return undefined;
}

/**
 * The range kept at `now`, for the last (now, window) asked: a batch parsed at
 * one "now" computes it once. A window is configuration, never changed in place.
 */
let lastRange: { now: bigint; window: TimestampWindow; oldest: bigint; latest: bigint } | undefined;

function keptRange(now: bigint, window: TimestampWindow): { oldest: bigint; latest: bigint } {
  if (lastRange?.now === now && lastRange.window === window) return lastRange;
  const days = window.retentionDays ?? 0;
  const retained = days > 0 ? now - BigInt(days) * NS_PER_DAY : 0n;
  lastRange = {
    now,
    window,
    oldest: retained > PLAUSIBLE_TIMESTAMP_FLOOR_NS ? retained : PLAUSIBLE_TIMESTAMP_FLOOR_NS,
    latest: now + BigInt(window.maxClockSkewSeconds) * NS_PER_SECOND,
  };
  return lastRange;
}

function unitProblem(timestamp: bigint): string {
  if (timestamp === 0n) {
    return 'timestamp 0 is the epoch itself, usually an unset clock; timestamps are nanoseconds since the epoch (omit the field to use the receive time)';
  }
  const unit = UNITS.find((u) => timestamp < u.below && timestamp * u.factor >= PLAUSIBLE_TIMESTAMP_FLOOR_NS);
  if (unit === undefined) {
    return `timestamp ${timestamp} is ${formatTimestamp(timestamp)}, not a plausible event time; timestamps are nanoseconds since the epoch`;
  }
  const scaled = timestamp * unit.factor;
  const hint = scaled <= MAX_TIMESTAMP_NS ? ` (${scaled} is ${formatTimestamp(scaled)})` : '';
  return `timestamp ${timestamp} looks like ${unit.name} since the epoch; timestamps are nanoseconds${hint}`;
}
