import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import {
  clickHouseClient,
  pollUntil,
  startClickHouse,
  startKafka,
  startRedis,
  type ClickHouseTestServer,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DLQ_HEADERS } from './ingest/dead-letter.producer';
import {
  bridgeEnv,
  committedToEnd,
  consumeAll,
  header,
  newSetup,
  partitionSizes,
  produce,
  startInProcess,
  type RunningBridge,
} from './test-support/bridge-harness';
import { BASE_NS, calls } from './test-support/event-factory';

let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let clickhouse: ClickHouseTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [kafka, redis, clickhouse] = await Promise.all([startKafka(), startRedis(), startClickHouse()]);
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await Promise.all([kafka?.stop(), redis?.stop(), clickhouse?.stop()]);
});

async function storageFor(database: string): Promise<TemporalStorage> {
  const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database });
  cleanup.push(() => storage.close());
  return storage;
}

async function bridge(env: Record<string, string>): Promise<RunningBridge> {
  const running = await startInProcess(env);
  cleanup.push(() => running.close());
  return running;
}

async function allIds(storage: TemporalStorage): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.getEventsInRange(0n, BASE_NS * 2n, { cursor, limit: 10_000 });
    ids.push(...page.events.map((e) => e.event_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

describe('bridge service', () => {
  it('stores every valid event exactly once and dead-letters exactly the bad ones, with reasons', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('deliver');
    const { messages, eventIds } = calls(300, { tag: 'deliver' });
    const anonymous = Array.from({ length: 20 }, (_, i) => ({
      key: `anon-${i}`,
      value: JSON.stringify({ event_type: 'log', correlation_id: `anon-${i}`, data: { line: i } }),
    }));
    const bad = [
      { key: 'bad', value: '{not json' },
      { key: 'bad', value: JSON.stringify({ event_type: 'Not-Valid', correlation_id: 'x' }) },
      {
        key: 'bad',
        value: JSON.stringify({ event_type: 'log', correlation_id: 'x', data: { blob: 'x'.repeat(70_000) } }),
      },
      { key: 'bad', value: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) },
      { key: 'bad', value: null },
      // Timestamps in the wrong unit: they would be stored in 1970 and deleted by retention.
      { key: 'bad', value: JSON.stringify({ event_type: 'log', correlation_id: 'x', timestamp: 1_796_160_000 }) },
      { key: 'bad', value: JSON.stringify({ event_type: 'log', correlation_id: 'x', timestamp: '0' }) },
    ];
    // RFC 3339 with nanoseconds is a timestamp too.
    const rfc3339 = new Date(Number(BASE_NS / 1_000_000n)).toISOString().replace('Z', '123456Z');
    anonymous.push({
      key: 'rfc',
      value: JSON.stringify({ event_type: 'log', correlation_id: 'rfc', timestamp: rfc3339 }),
    });
    // Interleave the bad ones so they sit between good offsets.
    await produce(kafka, setup.topic, [...messages.slice(0, 100), ...bad, ...anonymous, ...messages.slice(100)]);
    await bridge(
      bridgeEnv(setup, clickhouse.target, database, { BRIDGE_INSTANCE: 'deliver-replica', REPORT_INTERVAL_MS: '200' }),
    );

    const storage = await storageFor(database);
    await pollUntil(async () => (await storage.getStats()).total_events === 621, {
      timeoutMs: 60_000,
      description: '621 events stored',
    });
    await pollUntil(() => committedToEnd(kafka, setup.groupId, setup.topic), {
      timeoutMs: 30_000,
      description: 'offsets committed',
    });
    const ids = await allIds(storage);
    expect(ids).toHaveLength(621);
    expect(new Set(ids).size).toBe(621);
    expect(eventIds.every((id) => ids.includes(id))).toBe(true);
    // Events without event_id got their Kafka coordinates as id.
    expect(ids.filter((id) => id.startsWith(`kafka:${setup.topic}/`))).toHaveLength(21);
    const [rfcEvent] = (await storage.getEventsForCorrelation('rfc')).events;
    expect(rfcEvent?.timestamp).toBe((BASE_NS / 1_000_000n) * 1_000_000n + 123_456n);

    const letters = await consumeAll(kafka, setup.dlqTopic, 7);
    expect(letters).toHaveLength(7);
    const reasons = letters.map((m) => header(m, DLQ_HEADERS.reason) ?? '');
    expect(reasons).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/^event_type: /),
      expect.stringMatching(/^data: data is \d+ bytes/),
      expect.stringMatching(/not valid UTF-8/),
      expect.stringMatching(/no value/),
      expect.stringMatching(
        /^timestamp: timestamp 1796160000 looks like seconds since the epoch; timestamps are nanoseconds/,
      ),
      expect.stringMatching(/^timestamp: timestamp 0 is the epoch itself/),
    ]);
    expect(letters.every((m) => header(m, DLQ_HEADERS.topic) === setup.topic)).toBe(true);
    expect(letters.map((m) => header(m, DLQ_HEADERS.offset))).toEqual(
      letters.map((m) => header(m, DLQ_HEADERS.offset)).sort((a, b) => Number(a) - Number(b)),
    );
    expect(letters[0]?.value?.toString()).toBe('{not json');

    // The replica published its counters for the fleet view of GET /v1/stats.
    const report = await pollUntil(
      async () =>
        (await storage.listBridgeReports()).find(
          (r) => r.instance === 'deliver-replica' && r.stats['events_stored'] === 621,
        ),
      { timeoutMs: 10_000, description: 'a report with every event stored' },
    );
    expect(report.stats['kafka']).toEqual({ topic: setup.topic, group_id: setup.groupId, paused: false });
  });

  it('splits partitions between two replicas that store everything once, pairing calls across them', async () => {
    const setup = await newSetup(kafka, redis, 2);
    const database = await clickhouse.createDatabase('replicas');
    const env = bridgeEnv(setup, clickhouse.target, database);
    const a = await bridge(env);
    const b = await bridge(env);
    const { messages, eventIds } = calls(200, { tag: 'replica', partitions: 2, splitExit: true });
    // Wait for both members to hold a partition before producing.
    await pollUntil(
      async () => (await fetch(`${a.url}/readyz`)).status === 200 && (await fetch(`${b.url}/readyz`)).status === 200,
      {
        timeoutMs: 30_000,
      },
    );
    // Entries first; each exit then arrives on the other partition, so at
    // the other replica (as when a partition moves during a call).
    await produce(
      kafka,
      setup.topic,
      messages.filter((_, n) => n % 2 === 0),
    );
    const storage = await storageFor(database);
    await pollUntil(async () => (await storage.getStats()).total_events === 200, {
      timeoutMs: 60_000,
      description: '200 entries',
    });
    await produce(
      kafka,
      setup.topic,
      messages.filter((_, n) => n % 2 === 1),
    );

    await pollUntil(async () => (await storage.getStats()).total_events === 400, {
      timeoutMs: 60_000,
      description: '400 events',
    });
    const ids = await allIds(storage);
    expect(new Set(ids).size).toBe(400);
    expect(eventIds.every((id) => ids.includes(id))).toBe(true);
    expect(await a.metric('tb_bridge_events_consumed_total')).toBeGreaterThan(0);
    expect(await b.metric('tb_bridge_events_consumed_total')).toBeGreaterThan(0);
    // Each exit landed on the other partition than its entry, yet is paired.
    const paired = await Promise.all(
      Array.from({ length: 200 }, (_, i) => storage.getEventsForCorrelation(`replica-call-${i}`)),
    );
    expect(paired.map((page) => page.events.find((e) => e.event_type === 'function_exit')?.duration_ns)).toEqual(
      Array.from({ length: 200 }, () => 1_000_000n),
    );
    // Two members joining the mock cluster's group rebalance at least once (a
    // session timeout each, INFRA facts); on a loaded CI machine that alone
    // can pass the default 60 s. The polls above bound each step.
  }, 180_000);
});

describe('bridge service recovery', () => {
  it('pauses while ClickHouse is unavailable and recovers by itself, losing nothing', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('chdown');
    const running = await bridge(
      bridgeEnv(setup, clickhouse.target, database, {
        MAX_BUFFERED_EVENTS: '100',
        BUFFER_SIZE: '50',
        SHUTDOWN_TIMEOUT_MS: '5000',
      }),
    );
    const admin = await clickHouseClient(clickhouse.target);
    cleanup.push(() => admin.close());
    await admin.command({ query: 'DETACH DATABASE {db:Identifier}', query_params: { db: database } });
    const { messages, eventIds } = calls(250, { tag: 'chdown' });
    await produce(kafka, setup.topic, messages);
    await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 1, {
      timeoutMs: 30_000,
      description: 'paused',
    });
    // The buffer can fill (and consumption pause) while the first insert is
    // still failing: its failure is counted when ClickHouse answers, later.
    await pollUntil(async () => (await running.metric('tb_bridge_flush_failures_total')) > 0, {
      timeoutMs: 30_000,
      description: 'a failed flush counted',
    });
    // Bounded by max(MAX_BUFFERED_EVENTS, one fetched batch <= the fullest
    // partition): the rest of the backlog stays in Kafka while paused.
    const fullest = Math.max(...(await partitionSizes(kafka, setup.topic)));
    expect(fullest).toBeLessThan(500);
    expect(await running.metric('tb_bridge_buffered_events')).toBeLessThanOrEqual(Math.max(100, fullest));
    expect((await fetch(`${running.url}/readyz`)).status).toBe(503);

    await admin.command({ query: 'ATTACH DATABASE {db:Identifier}', query_params: { db: database } });
    const storage = await storageFor(database);
    await pollUntil(async () => (await storage.getStats()).total_events === 500, {
      timeoutMs: 60_000,
      description: 'all stored',
    });
    await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 0, {
      timeoutMs: 10_000,
      description: 'resumed',
    });
    expect(new Set(await allIds(storage))).toEqual(new Set(eventIds));
  });

  it('recovers from a Redis restart without a restart of its own', async () => {
    const ownRedis = await startRedis({ outageControl: true });
    cleanup.push(() => ownRedis.stop());
    const setup = await newSetup(kafka, ownRedis);
    const database = await clickhouse.createDatabase('redisdown');
    const running = await bridge(bridgeEnv(setup, clickhouse.target, database));
    const first = calls(100, { tag: 'redis-a' });
    await produce(kafka, setup.topic, first.messages);
    const storage = await storageFor(database);
    await pollUntil(async () => (await storage.getStats()).total_events === 200, { timeoutMs: 30_000 });

    await ownRedis.outage!.stop();
    const second = calls(100, { tag: 'redis-b' });
    await produce(kafka, setup.topic, second.messages);
    await pollUntil(async () => (await running.metric('tb_bridge_flush_failures_total')) > 0, {
      timeoutMs: 30_000,
      description: 'failures while Redis is down',
    });
    expect((await storage.getStats()).total_events).toBe(200);
    await ownRedis.outage!.start();
    await pollUntil(async () => (await storage.getStats()).total_events === 400, {
      timeoutMs: 60_000,
      description: 'all stored',
    });
    expect(new Set(await allIds(storage))).toEqual(new Set([...first.eventIds, ...second.eventIds]));
  });

  it('recovers when the broker goes down and comes back', async () => {
    const faulty = await startKafka({ faultInjection: true });
    cleanup.push(() => faulty.stop());
    const setup = await newSetup(faulty, redis);
    const database = await clickhouse.createDatabase('brokerdown');
    const running = await bridge(bridgeEnv(setup, clickhouse.target, database));
    const first = calls(100, { tag: 'broker-a' });
    await produce(faulty, setup.topic, first.messages);
    const storage = await storageFor(database);
    await pollUntil(async () => (await storage.getStats()).total_events === 200, { timeoutMs: 30_000 });

    const consumedBefore = await running.metric('tb_bridge_events_consumed_total');
    await faulty.faults!.brokerDown(1);
    // The outage itself lasts a few seconds: long enough for fetches and
    // heartbeats to fail and be retried.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await faulty.faults!.brokerUp(1);

    const second = calls(100, { tag: 'broker-b' });
    await produce(faulty, setup.topic, second.messages);
    await pollUntil(async () => (await storage.getStats()).total_events === 400, {
      timeoutMs: 90_000,
      description: 'all stored after broker returned',
    });
    expect(new Set(await allIds(storage))).toEqual(new Set([...first.eventIds, ...second.eventIds]));
    // The same application instance consumed them: no restart happened.
    expect(await running.metric('tb_bridge_events_consumed_total')).toBeGreaterThanOrEqual(consumedBefore + 200);
    // The outage is in the logs (kept out of the test output), as kafkajs errors.
    expect(running.logs().some((line) => line.includes('"level":50') && line.includes('"logger":"kafkajs"'))).toBe(
      true,
    );
  });
});
