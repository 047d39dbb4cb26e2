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
    const t1 = await buffer.pushWhenRoom(events(3));
    const t2 = await buffer.pushWhenRoom(events(2, 3));
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

  it('never lets concurrent producers overshoot the bound together', async () => {
    const buffer = new EventBuffer(10);
    await buffer.pushWhenRoom(events(1));
    const pushes = [1, 2, 3].map((i) => buffer.pushWhenRoom(events(6, i * 10)));
    await new Promise((r) => setImmediate(r));
    expect(buffer.size).toBe(7); // 1 + the first 6; the others wait
    buffer.commit(7);
    await new Promise((r) => setImmediate(r));
    expect(buffer.size).toBe(6); // both woke, only one fit
    buffer.commit(6);
    await Promise.all(pushes);
    expect(buffer.size).toBe(6);
  });

  it('makes producers wait while full, and lets them in as space frees', async () => {
    const buffer = new EventBuffer(3);
    await buffer.pushWhenRoom(events(3));
    let admitted = false;
    const waiting = buffer.pushWhenRoom(events(1)).then(() => (admitted = true));
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    buffer.commit(1);
    await waiting;
    expect(admitted).toBe(true);
  });

  it('admits a batch larger than the capacity into an empty buffer rather than deadlock', async () => {
    const buffer = new EventBuffer(3);
    await expect(buffer.pushWhenRoom(events(10))).resolves.toBe(10);
  });

  it('fails waiters when aborted', async () => {
    const buffer = new EventBuffer(1);
    const ticket = await buffer.pushWhenRoom(events(1));
    const stored = buffer.waitStored(ticket);
    const space = buffer.pushWhenRoom(events(1));
    buffer.abort(new Error('stopped'));
    await expect(stored).rejects.toThrow('stopped');
    await expect(space).rejects.toThrow('stopped');
  });

  it('gives up waiting for space when the signal aborts, appending nothing', async () => {
    const buffer = new EventBuffer(3);
    await buffer.pushWhenRoom(events(3));
    const controller = new AbortController();
    const waiting = buffer.pushWhenRoom(events(2, 3), controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect([buffer.size, buffer.endTicket]).toEqual([3, 3]);
    // Room made later does not let the abandoned events in.
    buffer.commit(3);
    await Promise.resolve();
    expect([buffer.size, buffer.endTicket]).toEqual([0, 3]);
    const already = new AbortController();
    already.abort(new Error('late'));
    await buffer.pushWhenRoom(events(3));
    await expect(buffer.pushWhenRoom(events(1), already.signal)).rejects.toThrow('late');
  });
});
