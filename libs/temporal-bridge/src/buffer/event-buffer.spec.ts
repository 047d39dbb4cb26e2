import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { EventBuffer } from './event-buffer';

const events = (count: number, from = 0): TemporalEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    event_id: `e${from + i}`,
    event_type: 'log',
    correlation_id: 'c',
    timestamp: BigInt(from + i),
    timestamp_inferred: false,
  }));

describe('EventBuffer', () => {
  it('hands out tickets and resolves waiters only when their events are committed', async () => {
    const buffer = new EventBuffer(100);
    const t1 = buffer.push(events(3));
    const t2 = buffer.push(events(2, 3));
    expect([t1, t2, buffer.size]).toEqual([3, 5, 5]);
    const order: string[] = [];
    const w1 = buffer.waitStored(t1).then(() => order.push('first'));
    const w2 = buffer.waitStored(t2).then(() => order.push('second'));
    buffer.commit(2);
    await Promise.resolve();
    expect(order).toEqual([]);
    buffer.commit(1);
    await w1;
    expect(order).toEqual(['first']);
    expect(buffer.peek(10).map((e) => e.event_id)).toEqual(['e3', 'e4']);
    buffer.commit(2);
    await w2;
    expect(order).toEqual(['first', 'second']);
  });

  it('makes producers wait while full, and lets them in as space frees', async () => {
    const buffer = new EventBuffer(3);
    buffer.push(events(3));
    let admitted = false;
    const waiting = buffer.reserve(1).then(() => (admitted = true));
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    buffer.commit(1);
    await waiting;
    expect(admitted).toBe(true);
  });

  it('admits a batch larger than the capacity into an empty buffer rather than deadlock', async () => {
    const buffer = new EventBuffer(3);
    await expect(buffer.reserve(10)).resolves.toBeUndefined();
  });

  it('fails waiters when aborted', async () => {
    const buffer = new EventBuffer(1);
    const ticket = buffer.push(events(1));
    const stored = buffer.waitStored(ticket);
    const space = buffer.reserve(1);
    buffer.abort(new Error('stopped'));
    await expect(stored).rejects.toThrow('stopped');
    await expect(space).rejects.toThrow('stopped');
  });
});
