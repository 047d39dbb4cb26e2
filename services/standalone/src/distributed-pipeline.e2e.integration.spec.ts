import { createBridgeApp, loadBridgeConfig } from '@temporal-bridge/bridge';
import { InstrumentationRuntime, KafkaTransport } from '@temporal-bridge/instrumentation';
import { createQueryApp, DEFAULT_QUERY_LIMITS } from '@temporal-bridge/query';
import { createLogger } from '@temporal-bridge/service-kit';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import {
  clickHouseEnv,
  pollUntil,
  startClickHouse,
  startKafka,
  startRedis,
  uniqueName,
  type ClickHouseTestServer,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The distributed mode end to end, as a fleet runs it: an instrumented
 * module emits through the SDK's Kafka transport, the bridge service
 * consumes, correlates and stores, and the query service answers over HTTP.
 * What the module did must come back as a call tree. It lives here because
 * standalone is the one project that may wire the services and the SDK
 * together; both services run in this process, on one embedded ClickHouse.
 */
interface WireEvent {
  event_id: string;
  event_type: string;
  timestamp: string;
  correlation_id: string;
  parent_id?: string;
  trace_id?: string;
  ast_node_id?: string;
  data?: Record<string, unknown>;
  on_stack?: boolean;
}

const NODES = {
  placeOrder: 'shop.ts:10:3',
  checkStock: 'shop.ts:20:3',
  reserve: 'shop.ts:30:3',
  charge: 'shop.ts:40:3',
} as const;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let clickhouse: ClickHouseTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [kafka, redis, clickhouse] = await Promise.all([startKafka(), startRedis(), startClickHouse()]);
});

afterAll(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await Promise.all([kafka?.stop(), redis?.stop(), clickhouse?.stop()]);
});

describe('SDK -> Kafka -> bridge -> ClickHouse -> query API', () => {
  it('returns the call tree an instrumented module produced: parents, one trace, paired entries and exits', async () => {
    const topic = await kafka.createTopic({ prefix: 'sdk_events', partitions: 4 });
    const database = await clickhouse.createDatabase('sdk_e2e');
    const bridge = await createBridgeApp(
      loadBridgeConfig({
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC: topic,
        KAFKA_DLQ_TOPIC: await kafka.createTopic({ prefix: 'sdk_dlq', partitions: 1 }),
        KAFKA_GROUP_ID: uniqueName('sdk_bridge'),
        // The mock cluster makes a joining member wait out sessions (docs/development.md).
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '500',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: redis.keyPrefix('sdk'),
        ...clickHouseEnv(clickhouse.target),
        CLICKHOUSE_DATABASE: database,
        FLUSH_INTERVAL_MS: '50',
        LOG_LEVEL: 'warn',
      }),
      createLogger('bridge-test', 'warn'),
    );
    await bridge.listen(0, '127.0.0.1');
    cleanup.push(() => bridge.close());
    const bridgeUrl = await bridge.getUrl();
    await pollUntil(async () => (await fetch(`${bridgeUrl}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'bridge ready (joined the group)',
    });
    const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database });
    const query = await createQueryApp({
      logger: createLogger('query-test', 'silent'),
      storage,
      api: { apiKeys: [], queryTimeoutMs: 10_000, limits: DEFAULT_QUERY_LIMITS },
      corsOrigins: [],
      closeStorageOnShutdown: true,
    });
    await query.listen(0, '127.0.0.1');
    cleanup.push(() => query.close());
    const base = await query.getUrl();
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };

    const runtime = new InstrumentationRuntime({
      service: 'shop',
      transport: new KafkaTransport({ brokers: kafka.brokers, topic }),
      queue: { capacity: 10_000, batchSize: 20, lingerMs: 5 },
      dropReportIntervalMs: 0,
    });
    cleanup.push(() => runtime.shutdown(2_000).then(() => undefined));

    const from = (BigInt(Date.now() - 60_000) * 1_000_000n).toString();
    // The instrumented module: nested, awaited and concurrent calls.
    const receipt = await runtime.traced(NODES.placeOrder, async () => {
      runtime.stateChange({ 'order.1': 'received' }, NODES.placeOrder);
      await runtime.traced(NODES.checkStock, async () => delay(2));
      await Promise.all([
        runtime.traced(NODES.reserve, async () => {
          await delay(3);
          runtime.stateChange({ 'stock.book': 2 }, NODES.reserve);
        }),
        runtime.traced(NODES.charge, async () => delay(1)),
      ]);
      return 'receipt-1';
    });
    expect(receipt).toBe('receipt-1');
    expect(await runtime.flush(10_000)).toEqual({ ok: true, unsent: 0 });
    const emitted = runtime.stats().emitted;
    expect(emitted).toBe(4 * 2 + 2);

    const all = await pollUntil(
      async () => {
        const page = await get<{ events: WireEvent[] }>(
          `/v1/events?from=${from}&to=${(BigInt(Date.now() + 60_000) * 1_000_000n).toString()}`,
        );
        return page.events.length >= emitted ? page.events : undefined;
      },
      { timeoutMs: 30_000, description: `${emitted} events queryable` },
    );
    expect(all).toHaveLength(emitted);

    const entryOf = (node: string): WireEvent => {
      const entries = all.filter((e) => e.event_type === 'function_entry' && e.ast_node_id === node);
      expect(entries, node).toHaveLength(1);
      return entries[0]!;
    };
    const root = entryOf(NODES.placeOrder);
    const children = [NODES.checkStock, NODES.reserve, NODES.charge].map(entryOf);
    expect(root.parent_id).toBeUndefined();
    for (const child of children) expect(child.parent_id).toBe(root.correlation_id);
    // One trace; every call has exactly one exit, its own.
    expect(new Set(all.map((e) => e.trace_id))).toEqual(new Set([root.trace_id]));
    for (const entry of [root, ...children]) {
      const exits = all.filter((e) => e.event_type === 'function_exit' && e.correlation_id === entry.correlation_id);
      expect(exits, entry.ast_node_id).toHaveLength(1);
      expect(BigInt(exits[0]!.timestamp) >= BigInt(entry.timestamp)).toBe(true);
    }

    // The reserve call's events, by correlation id.
    const reserve = children[1]!;
    const { events: reserveEvents } = await get<{ events: WireEvent[] }>(
      `/v1/correlations/${encodeURIComponent(reserve.correlation_id)}/events`,
    );
    expect(reserveEvents.map((e) => e.event_type)).toEqual(['function_entry', 'state_change', 'function_exit']);

    // The path to the stock change: placeOrder and reserve on the stack, the finished checkStock not.
    const stockChange = reserveEvents[1]!;
    const { path, target } = await get<{ path: WireEvent[]; target: WireEvent }>(
      `/v1/events/${encodeURIComponent(stockChange.event_id)}/path`,
    );
    expect(target.event_id).toBe(stockChange.event_id);
    expect(path.at(-1)?.event_id).toBe(stockChange.event_id);
    const onStack = (id: string): boolean | undefined => path.find((step) => step.event_id === id)?.on_stack;
    expect(onStack(root.event_id)).toBe(true);
    expect(onStack(reserve.event_id)).toBe(true);
    expect(onStack(children[0]!.event_id)).toBe(false);
    expect(path.every((step) => BigInt(step.timestamp) <= BigInt(stockChange.timestamp))).toBe(true);

    // Time travel: just before the stock change the order was received, reserve was running.
    const before = (BigInt(stockChange.timestamp) - 1n).toString();
    const state = await get<{
      state: Array<{ key: string; value: unknown }>;
      active_calls: Array<{ correlation_id: string }>;
    }>(`/v1/state?at=${before}`);
    expect(state.state.map((e) => [e.key, e.value])).toEqual([['order.1', 'received']]);
    expect(state.active_calls.map((c) => c.correlation_id)).toEqual(
      expect.arrayContaining([root.correlation_id, reserve.correlation_id]),
    );
    const after = await get<{ state: Array<{ key: string; value: unknown }>; active_calls: unknown[] }>(
      `/v1/state?at=${(BigInt(Date.now()) * 1_000_000n).toString()}`,
    );
    expect(after.state.map((e) => [e.key, e.value])).toEqual([
      ['order.1', 'received'],
      ['stock.book', 2],
    ]);
    expect(after.active_calls).toEqual([]);
  });
});
