import { describe, expect, it } from 'vitest';

import { declaredRetentionDays } from './retention';

describe('declaredRetentionDays', () => {
  it('reads the days of the TTL this storage writes', () => {
    expect(
      declaredRetentionDays(
        "ReplacingMergeTree PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp, 'UTC')) ORDER BY (timestamp, seq, event_id) " +
          "TTL fromUnixTimestamp64Nano(timestamp, 'UTC') + toIntervalDay(30) SETTINGS index_granularity = 2048",
      ),
    ).toBe(30);
  });

  it('is 0 without a TTL, even when a setting mentions ttl', () => {
    expect(
      declaredRetentionDays('MergeTree ORDER BY ts SETTINGS ttl_only_drop_parts = 1, index_granularity = 8192'),
    ).toBe(0);
  });

  it('is -1 for a TTL written by hand, so that it gets replaced', () => {
    expect(declaredRetentionDays('MergeTree ORDER BY ts TTL toDateTime(ts) + toIntervalMonth(1)')).toBe(-1);
  });
});
