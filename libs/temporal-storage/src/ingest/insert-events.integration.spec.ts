import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, call, event, ids, storageSuite } from '../__fixtures__/storage-fixture';
import { InvalidArgumentError, StorageUnavailableError } from '../errors';

describe('insertEvents', () => {
  const suite = storageSuite(startClickHouse);

  it('reads back exactly what was inserted: every field, exact nanoseconds, absent fields absent', async () => {
    const storage = await suite.open();
    const full: TemporalEvent = {
      event_id: 'full-1',
      timestamp: BASE_NS + 123_456_789n,
      event_type: 'message_receive',
      correlation_id: 'corr "quoted" \\ back',
      parent_id: 'parent-1',
      trace_id: 'trace-1',
      ast_node_id: 'src/orders.ts:12:3',
      service: 'orders',
      instance: 'orders-7f9',
      seq: 0,
      data: {
        message_id: 'm-1',
        text: 'tab\there, newline\nthere, backslash \\ and "quotes", é, 漢字, emoji 🎬',
        numbers: [0, -1, 0.1, 1.5e-7, 1e21, 123456789012345, Number.MAX_SAFE_INTEGER],
        nested: { deep: { deeper: [true, false, null, {}, []] } },
      },
      timestamp_inferred: true,
      duration_ns: 9_000_000_000_000_000_000n,
      linked_event_id: 'send-1',
    };
    const minimal: TemporalEvent = {
      event_id: 'min-1',
      timestamp: BASE_NS + 1n,
      event_type: 'custom.type:v1',
      correlation_id: 'c-min',
      timestamp_inferred: false,
    };
    const emptyData = event('empty-data', 2, 'log', 'c-min', { data: {} });
    const farFuture = event('far-future', 0, 'log', 'c-far', { timestamp: 2n ** 63n - 1n });
    await storage.insertEvents([full, minimal, emptyData, farFuture]);

    expect(await storage.getEvent('full-1')).toStrictEqual(full);
    expect(await storage.getEvent('min-1')).toStrictEqual(minimal);
    expect(await storage.getEvent('empty-data')).toStrictEqual(emptyData);
    expect(await storage.getEvent('far-future')).toStrictEqual(farFuture);
    const page = await storage.getEventsInRange(BASE_NS, 2n ** 63n - 1n);
    expect(page.events).toStrictEqual([minimal, emptyData, full, farFuture]);
  });

  it('keeps distinct events that share a timestamp', async () => {
    const storage = await suite.open();
    await storage.insertEvents([event('a', 5, 'log', 'c1'), event('b', 5, 'log', 'c1'), event('c', 5, 'log', 'c2')]);
    expect(ids((await storage.getEventsInRange(BASE_NS + 5n, BASE_NS + 5n)).events)).toEqual(['a', 'b', 'c']);
  });

  it('makes duplicate and overlapping batches invisible in every query and in the stats', async () => {
    const storage = await suite.open();
    const events = [
      ...call('root', 0, 100, { trace_id: 't1', ast_node_id: 'fn:root', service: 'svc' }),
      event('s1', 10, 'state_change', 'root', { trace_id: 't1', ast_node_id: 'st:1', data: { state: { k: 1 } } }),
      ...call('child', 20, 60, { trace_id: 't1', parent_id: 'root', ast_node_id: 'fn:child', service: 'svc' }),
      event('v1', 30, 'variable_snapshot', 'child', {
        trace_id: 't1',
        parent_id: 'root',
        data: { variables: { x: 2 } },
      }),
      ...call('open', 40, null, { trace_id: 't1', parent_id: 'root', ast_node_id: 'fn:open', service: 'svc' }),
    ];
    await storage.insertEvents(events);
    await storage.insertEvents(events);
    await storage.insertEvents(events.slice(2, 6));
    await storage.insertEvents(events.slice(4));

    const range = await storage.getEventsInRange(BASE_NS, BASE_NS + 1000n);
    expect(ids(range.events)).toEqual([
      'root-entry',
      's1',
      'child-entry',
      'v1',
      'open-entry',
      'child-exit',
      'root-exit',
    ]);
    expect(ids((await storage.getEventsInRange(BASE_NS, BASE_NS + 1000n, { limit: 3 })).events)).toEqual([
      'root-entry',
      's1',
      'child-entry',
    ]);
    expect(ids((await storage.getEventsForCorrelation('child')).events)).toEqual(['child-entry', 'v1', 'child-exit']);
    expect(ids((await storage.getEventsForAstNode('fn:child')).events)).toEqual(['child-entry', 'child-exit']);
    expect(await storage.getActiveAstNodes(BASE_NS + 70n, BASE_NS + 80n)).toEqual(['fn:open', 'fn:root']);

    const state = await storage.reconstructStateAt(BASE_NS + 50n);
    expect(state.state.map((e) => [e.key, e.value])).toEqual([
      ['k', 1],
      ['x', 2],
    ]);
    expect(state.active_calls.map((c) => c.correlation_id)).toEqual(['root', 'child', 'open']);

    const path = await storage.traceExecutionPath('v1');
    expect(ids(path!.path)).toEqual(['root-entry', 's1', 'child-entry', 'v1']);

    const stats = await storage.getStats();
    expect(stats.total_events).toBe(7);
    expect(stats.oldest_timestamp).toBe(BASE_NS);
    expect(stats.newest_timestamp).toBe(BASE_NS + 100n);
    expect(stats.bytes_on_disk).toBeGreaterThan(0);
    expect(stats.bytes_uncompressed).toBeGreaterThan(0);
  });

  it('accepts an empty batch and stores nothing', async () => {
    const storage = await suite.open();
    await storage.insertEvents([]);
    expect(await storage.getStats()).toMatchObject({ total_events: 0, oldest_timestamp: null, newest_timestamp: null });
  });

  it('rejects (never throws) a batch holding an event the table cannot store, and stores none of it', async () => {
    const storage = await suite.open();
    const bad = { ...event('bad', 1, 'log', 'c1'), timestamp: 7 as unknown as bigint };
    const pending = storage.insertEvents([event('good', 0, 'log', 'c1'), bad]);
    await expect(pending).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(pending).rejects.toThrow(/event 1 \(bad\)/);
    expect((await storage.getStats()).total_events).toBe(0);
  });

  it('rejects with StorageUnavailableError when the events table is gone, naming the operation', async () => {
    const storage = await suite.open();
    await suite.clickhouse.client.command({ query: `DROP TABLE ${storage.database}.events SYNC` });
    const pending = storage.insertEvents([event('orphan', 1, 'log', 'c1')]);
    await expect(pending).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(pending).rejects.toThrow(
      /^insertEvents: ClickHouse is unavailable \(Table \S+\.events does not exist/,
    );
  });
});
