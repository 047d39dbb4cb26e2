import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { pollUntil } from '@temporal-bridge/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { CollectingTransport, permanent, retryable } from '../__fixtures__/collecting-transport';
import { EventSender, type SenderSettings } from './event-sender';
import { StatsCounters } from './runtime-stats';

const SETTINGS: SenderSettings = { capacity: 100, batchSize: 10, lingerMs: 1, dropPolicy: 'drop-oldest' };

function event(n: number): SerializedEvent {
  return { event_id: `e${n}`, timestamp: String(1_000 + n), event_type: 'log', correlation_id: 'c' };
}

describe('EventSender', () => {
  const senders: EventSender[] = [];

  function sender(settings: Partial<SenderSettings> = {}) {
    const transport = new CollectingTransport();
    const stats = new StatsCounters();
    const s = new EventSender(transport, { ...SETTINGS, ...settings }, stats, () => 0.5, { initialMs: 5, maxMs: 20 });
    senders.push(s);
    return { sender: s, transport, stats };
  }

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.shutdown(100)));
  });

  it('sends full batches at once and the rest after the linger time, in order', async () => {
    const { sender: s, transport, stats } = sender({ lingerMs: 30 });
    for (let i = 0; i < 25; i += 1) s.enqueue(event(i));
    await pollUntil(() => transport.events.length === 25, { timeoutMs: 2_000 });
    expect(transport.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(transport.events.map((e) => e.event_id)).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`));
    expect(stats.sent).toBe(25);
  });

  it('retries a failed batch with backoff, keeping it and new events queued, and loses nothing', async () => {
    const { sender: s, transport, stats } = sender();
    transport.failWith = retryable('broker down');
    for (let i = 0; i < 15; i += 1) s.enqueue(event(i));
    await pollUntil(() => transport.attempts >= 3);
    expect(stats.sendFailures).toBeGreaterThanOrEqual(3);
    expect(stats.lastError).toBe('broker down');
    expect(s.inFlightCount + s.queueDepth).toBe(15);
    s.enqueue(event(15));
    transport.failWith = undefined;
    await pollUntil(() => transport.events.length === 16);
    expect(transport.events.map((e) => e.event_id)).toEqual(Array.from({ length: 16 }, (_, i) => `e${i}`));
    expect(stats.sent).toBe(16);
    expect(stats.dropped.queue_full + stats.dropped.rejected).toBe(0);
  });

  it('counts a batch refused for good as rejected and goes on with the next', async () => {
    const { sender: s, transport, stats } = sender({ batchSize: 5 });
    transport.failWith = permanent('400 bad batch');
    for (let i = 0; i < 5; i += 1) s.enqueue(event(i));
    await pollUntil(() => stats.dropped.rejected === 5);
    transport.failWith = undefined;
    s.enqueue(event(5));
    await pollUntil(() => transport.events.length === 1);
    expect(transport.events[0]?.event_id).toBe('e5');
    expect(stats.sendFailures).toBe(1);
  });

  it('counts per-event rejections of an accepted batch', async () => {
    const { sender: s, transport, stats } = sender({ batchSize: 3 });
    transport.rejectNext = [{ index: 1, reason: 'data.state: missing' }];
    for (let i = 0; i < 3; i += 1) s.enqueue(event(i));
    await pollUntil(() => stats.sent + stats.dropped.rejected === 3);
    expect(stats.sent).toBe(2);
    expect(stats.dropped.rejected).toBe(1);
    expect(stats.lastError).toBe('1 rejected: data.state: missing');
  });

  it('bounds memory during an outage: capacity includes the batch in flight; drop-oldest keeps the latest', async () => {
    const { sender: s, transport, stats } = sender({ capacity: 20, batchSize: 5 });
    transport.failWith = retryable();
    for (let i = 0; i < 5; i += 1) s.enqueue(event(i));
    await pollUntil(() => s.inFlightCount === 5);
    for (let i = 5; i < 50; i += 1) s.enqueue(event(i));
    expect(s.inFlightCount + s.queueDepth).toBe(20);
    expect(stats.dropped.queue_full).toBe(30);
    transport.failWith = undefined;
    expect(await s.flush(2_000)).toEqual({ ok: true, unsent: 0 });
    const ids = transport.events.map((e) => e.event_id);
    // The batch in flight survives; of the rest, the 15 newest.
    expect(ids).toEqual([...[0, 1, 2, 3, 4], ...Array.from({ length: 15 }, (_, i) => 35 + i)].map((i) => `e${i}`));
    expect(stats.emitted).toBe(50);
    expect(stats.sent + stats.dropped.queue_full).toBe(50);
  });

  it('drop-newest keeps the oldest and refuses the new', async () => {
    const { sender: s, transport, stats } = sender({ capacity: 10, batchSize: 10, dropPolicy: 'drop-newest' });
    transport.failWith = retryable();
    const accepted = Array.from({ length: 25 }, (_, i) => s.enqueue(event(i)));
    expect(accepted.filter(Boolean)).toHaveLength(10);
    expect(stats.dropped.queue_full).toBe(15);
    transport.failWith = undefined;
    await s.flush(2_000);
    expect(transport.events.map((e) => e.event_id)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
  });

  it('flush skips the linger wait, and reports what it could not send in time', async () => {
    const { sender: s, transport } = sender({ lingerMs: 60_000 });
    s.enqueue(event(1));
    expect(await s.flush(2_000)).toEqual({ ok: true, unsent: 0 });
    expect(transport.events).toHaveLength(1);
    transport.failWith = retryable();
    s.enqueue(event(2));
    s.enqueue(event(3));
    expect(await s.flush(50)).toEqual({ ok: false, unsent: 2 });
  });

  it('shutdown counts what is left as dropped (shutdown) and closes the transport', async () => {
    const { sender: s, transport, stats } = sender();
    transport.failWith = retryable();
    for (let i = 0; i < 12; i += 1) s.enqueue(event(i));
    const result = await s.shutdown(50);
    expect(result).toEqual({ ok: false, unsent: 12 });
    expect(stats.dropped.shutdown).toBe(12);
    expect(transport.closed).toBe(true);
    expect(s.queueDepth + s.inFlightCount).toBe(0);
  });
});
