import { deserializeEvent, serializeEvent, type Clock, type JsonObject } from '@temporal-bridge/event-schema';
import { pollUntil } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { assertAllValid, retryable } from '../__fixtures__/collecting-transport';
import { testRuntime } from '../__fixtures__/test-runtime';
import type { DropReport } from './runtime-options';

describe('emit API', () => {
  it('emits each well-known event type with its data shape, all valid for the bridge', async () => {
    let now = 1_764_000_000_000_000_000n;
    const clock: Clock = { nowNanos: () => (now += 1_000n) };
    const { runtime, transport } = testRuntime({ clock });
    runtime.stateChange({ cart: { items: 2 }, apiToken: 'x' }, 'cart.ts:1');
    runtime.variableSnapshot({ i: 3, total: 12.5 }, 'loop.ts:7');
    runtime.messageSend('msg-1', { to: 'payments' });
    runtime.messageReceive('msg-1', { from: 'orders' });
    runtime.error(new TypeError('bad input'), { order: 7 });
    runtime.log('warn', 'slow request', { ms: 950 });
    runtime.emit('cache.miss', { key: 'user:42' }, 'cache.ts:3');
    await runtime.flush(2_000);
    assertAllValid(transport.events);
    const byType = Object.fromEntries(transport.events.map((e) => [e.event_type, e]));
    expect(byType['state_change']).toMatchObject({
      ast_node_id: 'cart.ts:1',
      data: { state: { cart: { items: 2 }, apiToken: '[REDACTED]' } },
    });
    expect(byType['variable_snapshot']?.data).toEqual({ variables: { i: 3, total: 12.5 } });
    expect(byType['message_send']?.data).toEqual({ message_id: 'msg-1', to: 'payments' });
    expect(byType['message_receive']?.data).toEqual({ message_id: 'msg-1', from: 'orders' });
    expect((byType['error']?.data?.['error'] as JsonObject)['name']).toBe('TypeError');
    expect(byType['error']?.data?.['order']).toBe(7);
    expect(byType['log']?.data).toEqual({ level: 'warn', message: 'slow request', ms: 950 });
    expect(byType['cache.miss']).toMatchObject({ ast_node_id: 'cache.ts:3', data: { key: 'user:42' } });
    // Timestamps come from the configured clock.
    expect(transport.events.map((e) => e.timestamp)).toEqual(
      Array.from({ length: 7 }, (_, i) => (1_764_000_000_000_000_000n + 1_000n * BigInt(i + 1)).toString()),
    );
  });

  it('publishes exactly event-schema’s serializeEvent form (same keys, same order)', async () => {
    const { runtime, transport } = testRuntime();
    runtime.traced('root', () => runtime.traced('child', () => runtime.stateChange({ a: 1 }, 'node')));
    runtime.log('info', 'ambient');
    await runtime.flush(2_000);
    expect(transport.events).toHaveLength(6);
    for (const event of transport.events) {
      expect(JSON.stringify(event)).toBe(JSON.stringify(serializeEvent(deserializeEvent(event))));
    }
  });

  it('counts what cannot become a valid event instead of sending it', async () => {
    const { runtime, transport } = testRuntime();
    runtime.messageSend('');
    runtime.messageSend('m'.repeat(129));
    runtime.emit('Not A Type');
    runtime.emit('state_change', { no_state_key: 1 });
    runtime.stateChange({ a: 1 }, 'bad\u0000id');
    await runtime.flush(2_000);
    expect(transport.events).toEqual([]);
    expect(runtime.stats().dropped.invalid).toBe(5);
  });

  it('publishes complete wire events as given, and refuses invalid ones', async () => {
    const { runtime, transport } = testRuntime();
    const event = serializeEvent({
      event_id: 'given-id',
      timestamp: 5n,
      event_type: 'log',
      correlation_id: 'elsewhere',
      timestamp_inferred: false,
    });
    expect(runtime.publish(event)).toBe(true);
    expect(runtime.publish({ ...event, event_type: 'BAD' })).toBe(false);
    await runtime.flush(2_000);
    expect(transport.events).toEqual([event]);
    expect(runtime.stats().dropped.invalid).toBe(1);
  });

  it('reports drops as a log event and to onDrops, never silently', async () => {
    const reports: DropReport[] = [];
    const { runtime, transport } = testRuntime({
      queue: { capacity: 5, batchSize: 5, lingerMs: 1 },
      onDrops: (dropped) => reports.push(dropped),
    });
    transport.failWith = retryable();
    for (let i = 0; i < 12; i += 1) runtime.stateChange({ i });
    runtime.reportDrops();
    // The report itself took a slot in the full queue (drop-oldest): that drop is reported next.
    runtime.reportDrops();
    expect(reports).toEqual([
      { queue_full: 7, rejected: 0, invalid: 0, shutdown: 0 },
      { queue_full: 1, rejected: 0, invalid: 0, shutdown: 0 },
    ]);
    transport.failWith = undefined;
    await runtime.flush(2_000);
    // Both reports are newer than the state changes they displaced, so drop-oldest keeps them.
    const logs = transport.events.filter((e) => e.event_type === 'log');
    expect(logs.map((e) => e.data?.['message'])).toEqual([
      'temporal-bridge SDK dropped 7 events since the last report',
      'temporal-bridge SDK dropped 1 events since the last report',
    ]);
    expect(logs[0]?.data).toMatchObject({ level: 'warn' });
    expect((logs[1]?.data?.['dropped_total'] as JsonObject)['queue_full']).toBe(8);
    const stats = runtime.stats();
    expect(stats.emitted).toBe(14);
    expect(stats.sent + stats.dropped.queue_full).toBe(14);
  });

  it('reports drops on a timer when configured', async () => {
    const { runtime, transport } = testRuntime({
      queue: { capacity: 2, batchSize: 2, lingerMs: 1 },
      dropReportIntervalMs: 20,
    });
    transport.failWith = retryable();
    for (let i = 0; i < 5; i += 1) runtime.stateChange({ i });
    transport.failWith = undefined;
    await pollUntil(() => transport.events.some((e) => e.event_type === 'log'), { timeoutMs: 3_000 });
    await runtime.shutdown(1_000);
  });

  it('refuses impossible options when created', () => {
    expect(() => testRuntime({ service: '' })).toThrow('service must be 1..128 characters');
    expect(() => testRuntime({ queue: { capacity: 0 } })).toThrow('queue.capacity must be an integer >= 1');
    expect(() => testRuntime({ capture: { maxDataBytes: 100 } })).toThrow('capture.maxDataBytes');
  });
});
