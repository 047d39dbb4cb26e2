import { describe, expect, it } from 'vitest';

import { formatDuration, formatInstant, parseTime } from './nanos';

const NOW = 1_796_000_000_123_456_789n;

describe('parseTime', () => {
  it('reads nanoseconds, ISO-8601 to the nanosecond, now, and "N units ago"', () => {
    expect(parseTime('1796000000000000001', NOW)).toBe(1_796_000_000_000_000_001n);
    expect(parseTime('2026-11-30T08:13:20.123456789Z', NOW)).toBe(1_796_026_400_123_456_789n);
    expect(parseTime('2026-11-30T09:13:20+01:00', NOW)).toBe(1_796_026_400_000_000_000n);
    expect(parseTime('2026-11-30 08:13', NOW)).toBe(1_796_026_380_000_000_000n);
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('5 minutes ago', NOW)).toBe(NOW - 300_000_000_000n);
    expect(parseTime('90s ago', NOW)).toBe(NOW - 90_000_000_000n);
    expect(parseTime('1.5 hours ago', NOW)).toBe(NOW - 5_400_000_000_000n);
    expect(parseTime('250 ms ago', NOW)).toBe(NOW - 250_000_000n);
  });

  it('answers undefined for anything else, never a guess', () => {
    for (const text of ['', 'yesterday', '5 fortnights ago', '2026-02-30T00:00:00Z', 'ev-123', '12:00']) {
      expect(parseTime(text, NOW), text).toBeUndefined();
    }
  });
});

describe('formatting', () => {
  it('prints instants with all nine digits and durations in the unit that reads best', () => {
    expect(formatInstant(1_796_026_400_000_000_042n)).toBe('2026-11-30T08:13:20.000000042Z');
    expect(formatDuration(850)).toBe('850 ns');
    expect(formatDuration(12_300)).toBe('12.3 µs');
    expect(formatDuration(3_000_000)).toBe('3.00 ms');
    expect(formatDuration(1_200_000_000)).toBe('1.20 s');
    expect(formatDuration(200e9)).toBe('3 min 20 s');
  });
});
