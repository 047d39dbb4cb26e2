import { describe, expect, it } from 'vitest';

import { formatTimestamp, parseTimestamp, systemClock } from './timestamp';

describe('parseTimestamp', () => {
  it.each([
    ['1764000000123456789', 1764000000123456789n],
    ['0', 0n],
    ['9223372036854775807', 2n ** 63n - 1n],
    ['2026-11-24T10:00:00Z', 1795514400000000000n],
    ['2026-11-24T10:00:00.5Z', 1795514400500000000n],
    ['2026-11-24T10:00:00.123456789Z', 1795514400123456789n],
    ['2026-11-24 10:00:00.000000001Z', 1795514400000000001n],
    ['2026-11-24T11:30:00+01:30', 1795514400000000000n],
    ['2026-11-24T08:00:00-0200', 1795514400000000000n],
    ['1970-01-01T00:00:00Z', 0n],
  ])('reads %s', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '-1',
    '1.5',
    '9223372036854775808',
    '2026-11-24T10:00:00', // no zone: ambiguous
    '2026-02-30T00:00:00Z', // no such day
    '2026-11-24T25:00:00Z',
    '2026-11-24T10:00:00.1234567891Z', // beyond nanoseconds
    '1969-12-31T23:59:59Z', // before the epoch
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('formatTimestamp', () => {
  it('renders nanoseconds exactly and round-trips', () => {
    expect(formatTimestamp(1795514400123456789n)).toBe('2026-11-24T10:00:00.123456789Z');
    expect(parseTimestamp(formatTimestamp(1795514400000000007n))).toBe(1795514400000000007n);
  });
});

describe('systemClock', () => {
  it('is close to Date.now and increases', () => {
    const a = systemClock.nowNanos();
    const b = systemClock.nowNanos();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Number(a / 1_000_000n - BigInt(Date.now()))).toBeLessThan(50);
  });
});
