import { getRegisteredHandler, type TemporalEvent } from '@temporal-bridge/event-schema';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { pollUntil, startClickHouse, type ClickHouseTestServer } from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { BridgeNameTakenError, BridgeStoppedError, InvalidEventError, NotRegisteredError } from './errors';
import { TemporalBridge } from './temporal-bridge';
import type { TemporalBridgeOptions } from './temporal-bridge.options';

/**
 * The behaviour of ElixirScope's own TemporalBridge tests, on real
 * ClickHouse. Timestamps are offsets from a recent base: rows far in the past
 * would fall to the retention TTL.
 */
const BASE = BigInt(Date.now() - 3_600_000) * 1_000_000n;
const at = (offset: number): string => (BASE + BigInt(offset)).toString();

let clickhouse: ClickHouseTestServer;
const opened: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];

beforeAll(async () => {
  clickhouse = await startClickHouse();
});

afterEach(async () => {
  TemporalBridge.unregisterHandler();
  for (const resource of opened.splice(0)) {
    await ('stop' in resource ? resource.stop() : resource.close());
  }
});

afterAll(async () => {
  await clickhouse?.stop();
});

async function newStorage(): Promise<TemporalStorage> {
  const storage = await TemporalStorage.open({
    clickhouse: clickhouse.target,
    database: await clickhouse.createDatabase('bridge'),
  });
  opened.push(storage);
  return storage;
}

async function newBridge(options: TemporalBridgeOptions = {}): Promise<TemporalBridge> {
  const bridge = await TemporalBridge.start({ temporalStorage: await newStorage(), ...options });
  opened.unshift(bridge); // stopped before its storage closes
  return bridge;
}

const entry = (correlation_id: string, offset: number, extra: Record<string, unknown> = {}) => ({
  event_type: 'function_entry',
  correlation_id,
  timestamp: at(offset),
  ...extra,
});

describe('basic bridge operations', () => {
  it('starts with zeroed stats and its configuration', async () => {
    const bridge = await newBridge({ bufferSize: 500, flushIntervalMs: 50 });
    const { bridge: stats, storage } = await bridge.getStats();
    expect(stats).toMatchObject({ events_processed: 0, events_buffered: 0, buffer_flushes: 0 });
    expect(stats.config).toEqual({ buffer_size: 500, flush_interval_ms: 50, max_buffered_events: 10_000 });
    expect(storage.total_events).toBe(0);
  });

  it('rejects invalid configuration', async () => {
    await expect(TemporalBridge.start({ temporalStorage: await newStorage(), bufferSize: 0 })).rejects.toThrow(
      /bufferSize/,
    );
  });

  it('finds a named bridge, refuses a second one of that name, releases the name on stop', async () => {
    const bridge = await newBridge({ name: 'named-one' });
    expect(TemporalBridge.whereis('named-one')).toBe(bridge);
    await expect(newBridge({ name: 'named-one' })).rejects.toBeInstanceOf(BridgeNameTakenError);
    await bridge.stop();
    expect(TemporalBridge.whereis('named-one')).toBeUndefined();
  });
});

describe('event correlation and buffering', () => {
  it('buffers an accepted event', async () => {
    const bridge = await newBridge({ bufferSize: 5, flushIntervalMs: 60_000 });
    const accepted = await bridge.correlateEvent(entry('corr_123', 1000, { ast_node_id: 'node_456' }));
    expect(accepted).toMatchObject({ correlation_id: 'corr_123', timestamp: BASE + 1000n });
    const { bridge: stats } = await bridge.getStats();
    expect([stats.events_processed, stats.events_buffered]).toEqual([1, 1]);
  });

  it('flushes by itself when the buffer reaches bufferSize', async () => {
    const bridge = await newBridge({ bufferSize: 5, flushIntervalMs: 60_000 });
    for (let i = 1; i <= 5; i += 1) await bridge.correlateEvent(entry(`corr_${i}`, i, { data: { step: i } }));
    const stats = await pollUntil(
      async () => {
        const s = await bridge.getStats();
        return s.bridge.buffer_flushes === 1 && s;
      },
      { description: 'automatic flush' },
    );
    // Counters are read before storage: what the bridge reports stored is there.
    expect(stats.bridge).toMatchObject({ events_processed: 5, events_buffered: 0, events_stored: 5 });
    expect(stats.storage.total_events).toBe(5);
  });

  it('flushes every flushIntervalMs below bufferSize', async () => {
    const bridge = await newBridge({ bufferSize: 1000, flushIntervalMs: 50 });
    await bridge.correlateEvent(entry('timed', 1));
    await pollUntil(async () => (await bridge.getStats()).storage.total_events === 1, { description: 'timed flush' });
  });

  it('flushes on demand', async () => {
    const bridge = await newBridge({ bufferSize: 100, flushIntervalMs: 60_000 });
    await bridge.correlateEvent(entry('corr_manual', 1));
    await bridge.flushBuffer();
    const { bridge: stats, storage } = await bridge.getStats();
    expect([stats.events_buffered, stats.buffer_flushes, storage.total_events]).toEqual([0, 1, 1]);
  });

  it('fills a missing timestamp with the receive time and a missing event_id with a new id', async () => {
    const bridge = await newBridge();
    const before = BigInt(Date.now()) * 1_000_000n;
    await bridge.correlateEvent({ event_type: 'function_entry', correlation_id: 'no_timestamp' });
    await bridge.flushBuffer();
    const [stored] = await bridge.getEventsForCorrelation('no_timestamp');
    expect(stored?.timestamp_inferred).toBe(true);
    expect(stored!.timestamp).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(stored!.timestamp).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n + 1_000_000n);
    expect(stored?.event_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects an invalid event naming each problem, and counts it', async () => {
    const bridge = await newBridge();
    const rejection = bridge.correlateEvent({ event_type: 'Bad Type', correlation_id: '' });
    await expect(rejection).rejects.toBeInstanceOf(InvalidEventError);
    const problems = await rejection.catch((e: InvalidEventError) => e.problems.map((p) => p.field).sort());
    expect(problems).toEqual(['correlation_id', 'event_type']);
    expect((await bridge.getStats()).bridge.events_rejected).toBe(1);
  });

  it('stores 500 sequential events from one producer', async () => {
    const bridge = await newBridge({ bufferSize: 100, flushIntervalMs: 50 });
    for (let i = 1; i <= 500; i += 1) {
      await bridge.correlateEvent(
        entry(`volume_corr_${i % 10}`, i, { ast_node_id: `volume_node_${i % 5}`, data: { iteration: i } }),
      );
    }
    await bridge.flushBuffer();
    const { bridge: stats, storage } = await bridge.getStats();
    expect([stats.events_processed, storage.total_events]).toEqual([500, 500]);
  });

  it('stores the events of 50 concurrent producers', async () => {
    const bridge = await newBridge({ bufferSize: 1000, flushIntervalMs: 1000 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        bridge.correlateEvent(
          entry(`concurrent_corr_${i}`, i, { ast_node_id: `concurrent_node_${i % 5}`, data: { task_id: i } }),
        ),
      ),
    );
    expect(new Set(results.map((e) => e.event_id)).size).toBe(50);
    await bridge.flushBuffer();
    expect((await bridge.getStats()).storage.total_events).toBe(50);
  });
});

describe('temporal queries', () => {
  let bridge: TemporalBridge;

  beforeAll(async () => {
    bridge = await TemporalBridge.start({
      temporalStorage: { clickhouse: clickhouse.target, database: await clickhouse.createDatabase('q') },
    });
    const events = [
      { ...entry('corr_1', 1000, { ast_node_id: 'node_1' }) },
      { ...entry('corr_2', 1500, { ast_node_id: 'node_2' }) },
      { event_type: 'function_exit', correlation_id: 'corr_1', ast_node_id: 'node_1', timestamp: at(2000) },
      { ...entry('corr_3', 2500, { ast_node_id: 'node_3' }) },
      { event_type: 'function_exit', correlation_id: 'corr_2', ast_node_id: 'node_2', timestamp: at(3000) },
    ];
    for (const event of events) await bridge.correlateEvent(event);
    await bridge.flushBuffer();
  });

  afterAll(async () => {
    await bridge?.stop(); // it opened its storage itself, and closes it
  });

  it('answers a time range inclusive at both ends, in order', async () => {
    const events = await bridge.getEventsInRange(BASE + 1000n, BASE + 2000n);
    expect(events.map((e) => e.timestamp - BASE)).toEqual([1000n, 1500n, 2000n]);
  });

  it('answers the events of one AST node', async () => {
    const events = await bridge.getEventsForAstNode('node_1');
    expect(events.map((e) => [e.ast_node_id, e.event_type])).toEqual([
      ['node_1', 'function_entry'],
      ['node_1', 'function_exit'],
    ]);
  });

  it('answers the events of one correlation, with the exit paired to its entry', async () => {
    const events = await bridge.getEventsForCorrelation('corr_2');
    expect(events.map((e) => e.timestamp - BASE)).toEqual([1500n, 3000n]);
    expect(events[1]?.duration_ns).toBe(1500n);
  });

  it('answers empty lists for empty results', async () => {
    expect(await bridge.getEventsInRange(BASE + 5000n, BASE + 6000n)).toEqual([]);
    expect(await bridge.getEventsForAstNode('nonexistent')).toEqual([]);
    expect(await bridge.getEventsForCorrelation('nonexistent')).toEqual([]);
  });

  it('refuses a range whose start is after its end', async () => {
    await expect(bridge.getEventsInRange(BASE + 10n, BASE + 1n)).rejects.toThrow(/after/);
  });
});

describe('Cinema Debugger primitives', () => {
  let bridge: TemporalBridge;
  const stored: TemporalEvent[] = [];

  beforeAll(async () => {
    bridge = await TemporalBridge.start({
      temporalStorage: { clickhouse: clickhouse.target, database: await clickhouse.createDatabase('cinema') },
    });
    const execution = [
      entry('exec_1', 1000, { ast_node_id: 'main_func', data: { module: 'MyApp', function: 'main' } }),
      entry('exec_2', 1100, {
        ast_node_id: 'helper_func',
        parent_id: 'exec_1',
        data: { module: 'MyApp', function: 'helper' },
      }),
      {
        event_type: 'state_change',
        correlation_id: 'exec_2',
        ast_node_id: 'var_assign',
        timestamp: at(1200),
        data: { state: { x: 42 } },
      },
      {
        event_type: 'function_exit',
        correlation_id: 'exec_2',
        ast_node_id: 'helper_func',
        timestamp: at(1300),
        data: { result: 42 },
      },
      {
        event_type: 'state_change',
        correlation_id: 'exec_1',
        ast_node_id: 'var_assign_2',
        timestamp: at(1400),
        data: { state: { y: 42 } },
      },
      {
        event_type: 'error',
        correlation_id: 'exec_1',
        ast_node_id: 'error_point',
        timestamp: at(1450),
        data: { error: 'division_by_zero' },
      },
      {
        event_type: 'function_exit',
        correlation_id: 'exec_1',
        ast_node_id: 'main_func',
        timestamp: at(1500),
        data: { result: 'ok' },
      },
    ];
    for (const event of execution) stored.push(await bridge.correlateEvent(event));
    await bridge.flushBuffer();
  });

  afterAll(async () => {
    await bridge?.stop();
  });

  it('reconstructs state and open calls at an instant', async () => {
    const snapshot = await bridge.reconstructStateAt(BASE + 1250n);
    expect(snapshot.state.map((e) => [e.key, e.value])).toEqual([['x', 42]]);
    expect(snapshot.active_calls.map((c) => [c.correlation_id, c.function]).sort()).toEqual([
      ['exec_1', 'main'],
      ['exec_2', 'helper'],
    ]);
    const later = await bridge.reconstructStateAt(BASE + 1420n);
    expect(later.state.map((e) => [e.key, e.value])).toEqual([
      ['x', 42],
      ['y', 42],
    ]);
    expect(later.active_calls.map((c) => c.correlation_id)).toEqual(['exec_1']);
  });

  it('traces the path to an event: its trace up to it, with the call stack marked', async () => {
    const target = stored[5]!; // the error, inside exec_1 after exec_2 returned
    const { target: found, path } = await bridge.traceExecutionPath(target.event_id);
    expect(found.event_id).toBe(target.event_id);
    expect(path.map((s) => [s.timestamp - BASE, s.on_stack])).toEqual([
      [1000n, true],
      [1100n, false],
      [1200n, false],
      [1300n, false],
      [1400n, true],
      [1450n, true],
    ]);
    // The bridge filled the trace from the parent chain.
    expect(new Set(path.map((s) => s.trace_id))).toEqual(new Set(['exec_1']));
  });

  it('finds the AST nodes active in a window, including calls still running through it', async () => {
    expect(await bridge.getActiveAstNodes(BASE + 1150n, BASE + 1350n)).toEqual([
      'helper_func',
      'main_func',
      'var_assign',
    ]);
    expect(await bridge.getActiveAstNodes(BASE + 1420n, BASE + 1460n)).toEqual(['error_point', 'main_func']);
  });

  it('rejects a path for an unknown event', async () => {
    await expect(bridge.traceExecutionPath('no-such-event')).rejects.toThrow(/no event/);
  });
});

describe('InstrumentationRuntime integration', () => {
  it('registers and unregisters as the process-wide handler', async () => {
    TemporalBridge.unregisterHandler();
    const bridge = await newBridge({ flushIntervalMs: 1000 });
    await expect(TemporalBridge.getRegisteredBridge()).rejects.toBeInstanceOf(NotRegisteredError);
    bridge.registerAsHandler();
    await expect(TemporalBridge.getRegisteredBridge()).resolves.toBe(bridge);
    TemporalBridge.unregisterHandler();
    await expect(TemporalBridge.getRegisteredBridge()).rejects.toBeInstanceOf(NotRegisteredError);
  });

  it('receives what the in-process transport hands to the registered handler', async () => {
    const bridge = await newBridge({ flushIntervalMs: 1000 });
    bridge.registerAsHandler();
    await getRegisteredHandler()?.correlateEvent({
      ...entry('runtime_corr_123', 1, { ast_node_id: 'runtime_node_456' }),
      data: { module: 'TestModule', function: 'test_function', args: [1, 2, 3], source: 'instrumentation_runtime' },
    });
    await bridge.flushBuffer();
    const [event] = await bridge.getEventsForCorrelation('runtime_corr_123');
    expect(event).toMatchObject({ ast_node_id: 'runtime_node_456', data: { source: 'instrumentation_runtime' } });
  });

  it('gives up the handler slot when stopped', async () => {
    const bridge = await newBridge();
    bridge.registerAsHandler();
    await bridge.stop();
    expect(getRegisteredHandler()).toBeUndefined();
  });
});

describe('stopping', () => {
  it('flushes what is buffered, then refuses new events', async () => {
    const storage = await newStorage();
    const bridge = await TemporalBridge.start({ temporalStorage: storage, bufferSize: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i += 1) await bridge.correlateEvent(entry(`stop_${i}`, i));
    await bridge.stop();
    expect((await storage.getStats()).total_events).toBe(10);
    await expect(bridge.correlateEvent(entry('late', 1))).rejects.toBeInstanceOf(BridgeStoppedError);
    await bridge.stop(); // idempotent
  });
});
