import { describe, expect, it } from 'vitest';

import { parseEvent } from './parse-event';
import type { Clock } from './timestamp';
import { timestampWindowProblem } from './timestamp-window';

// 2026-12-01T00:00:00Z, the instant of the user's report: seconds 1796160000... ~ now.
const NOW = 1_796_083_200_000_000_000n;
const clock: Clock = { nowNanos: () => NOW };
const window = { retentionDays: 30, maxClockSkewSeconds: 300 };
const event = { event_id: 'e1', event_type: 'log', correlation_id: 'c1' };

function reasonFor(timestamp: unknown, w: { retentionDays?: number; maxClockSkewSeconds: number } = window) {
  const result = parseEvent({ ...event, timestamp }, { clock, timestampWindow: w });
  return result.ok ? undefined : result.problems;
}

describe('timestamp window (what ingest can keep)', () => {
  it.each([
    [
      'seconds',
      1_796_160_000,
      'looks like seconds since the epoch; timestamps are nanoseconds (1796160000000000000 is',
    ],
    ['milliseconds', 1_796_160_000_123, 'looks like milliseconds since the epoch; timestamps are nanoseconds'],
    ['microseconds', '1796160000123456', 'looks like microseconds since the epoch; timestamps are nanoseconds'],
    ['zero', 0, 'timestamp 0 is the epoch itself'],
  ])('rejects a timestamp in %s, naming the mistake', (_unit, timestamp, expected) => {
    expect(reasonFor(timestamp)).toEqual([{ field: 'timestamp', reason: expect.stringContaining(expected) as string }]);
    // With retention off (RETENTION_DAYS=0) the obvious-unit check still applies.
    expect(reasonFor(timestamp, { maxClockSkewSeconds: 300 })?.[0]?.reason).toContain(expected);
  });

  it('names the seconds mistake with the exact wording users see', () => {
    expect(timestampWindowProblem(1_796_160_000n, NOW, window)).toMatch(
      /^timestamp 1796160000 looks like seconds since the epoch; timestamps are nanoseconds/,
    );
  });

  it('rejects a timestamp before the retention window, and keeps it when retention is off', () => {
    const old = NOW - 31n * 86_400_000_000_000n;
    expect(reasonFor(old.toString())?.[0]?.reason).toContain('before the 30-day retention window');
    expect(reasonFor(old.toString(), { retentionDays: 0, maxClockSkewSeconds: 300 })).toBeUndefined();
    expect(reasonFor((NOW - 29n * 86_400_000_000_000n).toString())).toBeUndefined();
  });

  it('rejects a timestamp further in the future than the clock-skew allowance', () => {
    expect(reasonFor((NOW + 299n * 1_000_000_000n).toString())).toBeUndefined();
    const ahead = reasonFor((NOW + 301n * 1_000_000_000n).toString());
    expect(ahead?.[0]?.reason).toContain('301 s in the future, beyond the 300 s clock-skew allowance');
    expect(reasonFor('2262-04-11T23:47:16.854775807Z', { maxClockSkewSeconds: 300 })?.[0]?.field).toBe('timestamp');
  });

  it('accepts RFC 3339 with up to nanosecond precision and any zone', () => {
    const ok = (timestamp: string) => parseEvent({ ...event, timestamp }, { clock, timestampWindow: window });
    const exact = ok('2026-11-30T23:59:59.123456789Z');
    expect(exact.ok && exact.event.timestamp).toBe(NOW - 1_000_000_000n + 123_456_789n);
    const zoned = ok('2026-12-01T01:00:00+01:00');
    expect(zoned.ok && zoned.event.timestamp).toBe(NOW);
    const millis = ok('2026-11-30T23:59:59.5Z');
    expect(millis.ok && millis.event.timestamp).toBe(NOW - 500_000_000n);
  });

  it('leaves an inferred (receive-time) timestamp and unchecked parsers alone', () => {
    const inferred = parseEvent(event, { clock, receivedAt: 5n, timestampWindow: window });
    expect(inferred.ok).toBe(true);
    expect(parseEvent({ ...event, timestamp: 5 }).ok).toBe(true);
  });

  it('calls a tiny value implausible rather than guessing a unit', () => {
    expect(timestampWindowProblem(5n, NOW, window)).toBe(
      'timestamp 5 is 1970-01-01T00:00:00.000000005Z, not a plausible event time; timestamps are nanoseconds since the epoch',
    );
  });
});
