import { describe, expect, it } from 'vitest';

import { STATE_BUCKET_NS } from '../schema/migrations/0003-state-buckets.migration';
import { bucketBounds } from './state-at.query';

const SECOND = 1_000_000_000n;

describe('bucketBounds', () => {
  it('uses bucket sizes that each divide the next, so whole buckets tile [0, at)', () => {
    for (let i = 1; i < STATE_BUCKET_NS.length; i += 1) {
      expect(STATE_BUCKET_NS[i]! % STATE_BUCKET_NS[i - 1]!).toBe(0n);
    }
  });

  it('splits [0, at] at the day, hour, ten-minute and minute starts of `at`', () => {
    // 2026-11-29T13:47:31.5Z
    const at = 1795960051n * SECOND + 500_000_000n;
    const bounds = bucketBounds(at);
    expect(new Date(Number(bounds.day / 1_000_000n)).toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(new Date(Number(bounds.hour / 1_000_000n)).toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(new Date(Number(bounds.tenMinutes / 1_000_000n)).toISOString()).toBe('2026-11-29T13:40:00.000Z');
    expect(new Date(Number(bounds.minute / 1_000_000n)).toISOString()).toBe('2026-11-29T13:47:00.000Z');
    expect(bounds.day <= bounds.hour && bounds.hour <= bounds.tenMinutes && bounds.tenMinutes <= bounds.minute).toBe(
      true,
    );
  });

  it('puts an instant on a bucket edge at the start of its own bucket', () => {
    const at = 86_400n * SECOND * 20_000n;
    expect(bucketBounds(at)).toEqual({ day: at, hour: at, tenMinutes: at, minute: at });
  });
});
