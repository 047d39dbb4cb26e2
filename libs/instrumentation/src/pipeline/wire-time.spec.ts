import { systemClock, type Clock } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { WireTime } from './wire-time';

describe('WireTime', () => {
  it('with systemClock, gives systemClock’s value (microsecond resolution) as decimal text', () => {
    const time = new WireTime(systemClock);
    const before = systemClock.nowNanos();
    time.read();
    const after = systemClock.nowNanos();
    const nanos = BigInt(time.text);
    expect(nanos).toBeGreaterThanOrEqual(before);
    expect(nanos).toBeLessThanOrEqual(after);
    expect(nanos % 1_000n).toBe(0n);
    expect(time.ms).toBe(Number(nanos / 1_000_000n));
  });

  it('prints microseconds exactly, padded, also across second boundaries', () => {
    const time = new WireTime(systemClock);
    const sequence = [1_764_000_000_000_001, 1_764_000_000_000_001, 1_764_000_000_999_999, 1_764_000_001_000_000];
    for (const micros of [...sequence, 1_764_000_001_000_000, 1_764_000_000_000_000, 1_764_000_000_000_001]) {
      time.fromMicros(micros);
      expect(time.text).toBe(`${BigInt(micros) * 1_000n}`);
      expect(time.ms).toBe(Math.floor(micros / 1000));
    }
  });

  it('reads any other Clock through its interface', () => {
    const values = [1_764_000_000_000_001_000n, 1_764_000_000_999_999_000n, 1_764_000_001_000_000_000n];
    let i = 0;
    const clock: Clock = { nowNanos: () => values[i++]! };
    const time = new WireTime(clock);
    for (const expected of values) {
      time.read();
      expect(time.text).toBe(expected.toString());
    }
  });
});
