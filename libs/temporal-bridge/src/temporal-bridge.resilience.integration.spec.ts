import { Test } from '@nestjs/testing';
import { getRegisteredHandler } from '@temporal-bridge/event-schema';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import {
  clickHouseClient,
  pollUntil,
  startClickHouse,
  startRedis,
  type ClickHouseTestServer,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { RedisCorrelationCache } from './correlation/redis-correlation.cache';
import { BridgeStoppedError } from './errors';
import { TemporalBridgeModule } from './nest/temporal-bridge.module';
import { TemporalBridge } from './temporal-bridge';

const BASE = BigInt(Date.now() - 3_600_000) * 1_000_000n;
const at = (offset: number): string => (BASE + BigInt(offset)).toString();

let clickhouse: ClickHouseTestServer;
let redis: RedisTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [clickhouse, redis] = await Promise.all([startClickHouse(), startRedis()]);
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await Promise.all([clickhouse?.stop(), redis?.stop()]);
});

async function newStorage(): Promise<TemporalStorage> {
  const storage = await TemporalStorage.open({
    clickhouse: clickhouse.target,
    database: await clickhouse.createDatabase('res'),
  });
  cleanup.push(() => storage.close());
  return storage;
}

function redisCache(prefix: string): RedisCorrelationCache {
  const cache = new RedisCorrelationCache({ redis: redis.url, keyPrefix: prefix });
  cleanup.push(() => cache.close());
  return cache;
}

async function start(options: Parameters<typeof TemporalBridge.start>[0]): Promise<TemporalBridge> {
  const bridge = await TemporalBridge.start(options);
  cleanup.push(() => bridge.stop());
  return bridge;
}

/**
 * A real ClickHouse outage for the bridge's storage: its database is
 * detached (every insert fails: unknown database) and attached again.
 */
async function withDatabaseDetached(database: string, during: () => Promise<void>): Promise<void> {
  const admin = await clickHouseClient(clickhouse.target);
  await admin.command({ query: 'DETACH DATABASE {db:Identifier}', query_params: { db: database } });
  try {
    await during();
  } finally {
    await admin.command({ query: 'ATTACH DATABASE {db:Identifier}', query_params: { db: database } });
    await admin.close();
  }
}

describe('correlation across batches and replicas', () => {
  it('pairs an exit with its entry when they arrive in different batches', async () => {
    const bridge = await start({
      temporalStorage: await newStorage(),
      correlationCache: redisCache(redis.keyPrefix('b')),
    });
    await bridge.correlateEvent({
      event_type: 'function_entry',
      correlation_id: 'call',
      ast_node_id: 'n',
      timestamp: at(100),
    });
    await bridge.flushBuffer();
    await bridge.correlateEvent({ event_type: 'function_exit', correlation_id: 'call', timestamp: at(350) });
    await bridge.flushBuffer();
    const [, exit] = await bridge.getEventsForCorrelation('call');
    expect(exit).toMatchObject({ duration_ns: 250n, ast_node_id: 'n', trace_id: 'call' });
  });

  it('pairs calls across two bridge replicas sharing Redis', async () => {
    const storage = await newStorage();
    const prefix = redis.keyPrefix('replicas');
    const a = await start({ temporalStorage: storage, correlationCache: redisCache(prefix) });
    const b = await start({ temporalStorage: storage, correlationCache: redisCache(prefix) });
    await a.correlateEvent({ event_type: 'function_entry', correlation_id: 'root', timestamp: at(1) });
    await a.correlateEvent({
      event_type: 'function_entry',
      correlation_id: 'child',
      parent_id: 'root',
      timestamp: at(2),
    });
    await a.flushBuffer();
    await b.correlateEvent({ event_type: 'function_exit', correlation_id: 'child', timestamp: at(10) });
    await b.correlateEvent({
      event_type: 'message_send',
      correlation_id: 'root',
      timestamp: at(11),
      data: { message_id: 'm' },
    });
    await b.flushBuffer();
    await a.correlateEvent({
      event_type: 'message_receive',
      correlation_id: 'other',
      timestamp: at(12),
      data: { message_id: 'm' },
    });
    await a.flushBuffer();
    const child = await a.getEventsForCorrelation('child');
    expect(child.map((e) => [e.event_type, e.trace_id, e.duration_ns])).toEqual([
      ['function_entry', 'root', undefined],
      ['function_exit', 'root', 8n],
    ]);
    const [send] = await a
      .getEventsForCorrelation('root')
      .then((events) => events.filter((e) => e.event_type === 'message_send'));
    const [receive] = await a.getEventsForCorrelation('other');
    expect(receive?.linked_event_id).toBe(send?.event_id);
  });
});

describe('storage outage', () => {
  it('hands in-process batches back only once stored, and fails them (counted, reported) when it stops unstored', async () => {
    const storage = await newStorage();
    const reports: Array<{ events: number; reason: string }> = [];
    const bridge = await start({
      temporalStorage: storage,
      flushIntervalMs: 20,
      stopTimeoutMs: 300,
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
      observer: { unstoredAtStop: (info) => void reports.push(info) },
    });
    bridge.registerAsHandler();
    const handler = getRegisteredHandler()!;
    const batch = (tag: string) =>
      Array.from({ length: 5 }, (_, i) => ({ event_type: 'log', correlation_id: `${tag}_${i}`, timestamp: at(i) }));
    // What the SDK's in-process transport calls: resolved means stored, as a Kafka ack would.
    await handler.correlateEvents!(batch('stored'));
    expect((await storage.getStats()).total_events).toBe(5);

    let handed!: Promise<unknown>;
    await withDatabaseDetached(storage.database, async () => {
      handed = handler.correlateEvents!(batch('lost'));
      handed.catch(() => undefined);
      await pollUntil(() => bridge.localStats().flush_failures >= 1, { description: 'flush failing' });
      await bridge.stop();
    });
    // The SDK learns it (its batch fails, so it keeps or counts it), and the bridge says so.
    await expect(handed).rejects.toBeInstanceOf(BridgeStoppedError);
    expect(bridge.localStats().events_unstored_at_stop).toBe(5);
    expect(reports).toEqual([
      { events: 5, reason: expect.stringMatching(/300 ms/) as unknown, lastError: expect.any(String) as unknown },
    ]);
  });

  it('loses nothing and duplicates nothing once storage returns', async () => {
    const storage = await newStorage();
    const bridge = await start({
      temporalStorage: storage,
      bufferSize: 10,
      flushIntervalMs: 20,
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    for (let i = 0; i < 25; i += 1)
      await bridge.correlateEvent({ event_type: 'log', correlation_id: `before_${i}`, timestamp: at(i) });
    await bridge.flushBuffer();

    await withDatabaseDetached(storage.database, async () => {
      for (let i = 0; i < 25; i += 1)
        await bridge.correlateEvent({ event_type: 'log', correlation_id: `during_${i}`, timestamp: at(100 + i) });
      await pollUntil(() => bridge.localStats().flush_failures >= 2, { description: 'failed flushes retried' });
    });

    await bridge.flushBuffer({ timeoutMs: 20_000 });
    const { bridge: stats, storage: stored } = await bridge.getStats();
    expect(stats.flush_failures).toBeGreaterThanOrEqual(2);
    expect(stats.events_buffered).toBe(0);
    expect(stored.total_events).toBe(50);
    const during = await bridge.getEventsInRange(BASE + 100n, BASE + 124n);
    expect(during).toHaveLength(25);
    expect(new Set(during.map((e) => e.event_id)).size).toBe(25);
  });

  it('keeps memory bounded while storage is down: producers wait, then all is stored', async () => {
    const storage = await newStorage();
    const bridge = await start({
      temporalStorage: storage,
      bufferSize: 10,
      maxBufferedEvents: 50,
      flushIntervalMs: 20,
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    let sent = 0;
    let producer: Promise<void> | undefined;
    await withDatabaseDetached(storage.database, async () => {
      producer = (async () => {
        for (let i = 0; i < 200; i += 1) {
          await bridge.correlateEvent({ event_type: 'log', correlation_id: `p_${i}`, timestamp: at(i) });
          sent += 1;
        }
      })();
      await pollUntil(() => sent >= 50 && bridge.localStats().flush_failures >= 1, { description: 'buffer filled' });
      // Give the producer every chance to overrun the bound.
      for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
      expect(bridge.localStats().events_buffered).toBeLessThanOrEqual(50);
      expect(sent).toBeLessThanOrEqual(51);
    });
    await producer;
    await bridge.flushBuffer({ timeoutMs: 20_000 });
    expect((await storage.getStats()).total_events).toBe(200);
    expect((await bridge.getStats()).bridge.backpressure_waits).toBeGreaterThan(0);
  });
});

describe('concurrent inserts', () => {
  it('runs up to flushConcurrency inserts at once and releases events only in buffer order', async () => {
    const storage = await newStorage();
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const started: number[] = [];
    let finished = 0;
    // The real storage, its first insert held back until the test lets it go.
    const gated = Object.create(storage) as TemporalStorage;
    gated.insertEvents = async (events) => {
      if (started.push(events.length) === 1) await firstHeld;
      await storage.insertEvents(events);
      finished += 1;
    };
    const bridge = await start({
      temporalStorage: gated,
      bufferSize: 10,
      maxBatchEvents: 10,
      flushConcurrency: 2,
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 30; i += 1)
      await bridge.correlateEvent({ event_type: 'log', correlation_id: `c_${i}`, timestamp: at(i) });

    await pollUntil(() => finished === 1, { description: 'the second batch stored while the first is held' });
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([10, 10]);
    expect((await storage.getStats()).total_events).toBe(10);
    expect(bridge.localStats().events_buffered).toBe(30);

    releaseFirst();
    await bridge.flushBuffer({ timeoutMs: 20_000 });
    expect(started).toEqual([10, 10, 10]);
    expect(bridge.localStats().events_buffered).toBe(0);
    const stored = await bridge.getEventsInRange(BASE, BASE + 29n);
    expect(stored.map((e) => e.correlation_id)).toEqual(Array.from({ length: 30 }, (_, i) => `c_${i}`));
  });
});

describe('TemporalBridgeModule', () => {
  it('starts the bridge with the application and flushes it on shutdown', async () => {
    const storage = await newStorage();
    const moduleRef = await Test.createTestingModule({
      imports: [TemporalBridgeModule.forRoot({ temporalStorage: storage, bufferSize: 1000, flushIntervalMs: 60_000 })],
    }).compile();
    const app = await moduleRef.init();
    const bridge = app.get(TemporalBridge);
    await bridge.correlateEvent({ event_type: 'log', correlation_id: 'nest', timestamp: at(1) });
    expect((await storage.getStats()).total_events).toBe(0);
    await app.close();
    expect(bridge.stopped).toBe(true);
    expect((await storage.getStats()).total_events).toBe(1);
  });

  it('builds the bridge from injected configuration with forRootAsync', async () => {
    const storage = await newStorage();
    const moduleRef = await Test.createTestingModule({
      imports: [TemporalBridgeModule.forRootAsync({ useFactory: () => ({ temporalStorage: storage, bufferSize: 7 }) })],
    }).compile();
    const app = await moduleRef.init();
    expect((await app.get(TemporalBridge).getStats()).bridge.config.buffer_size).toBe(7);
    await app.close();
  });
});
