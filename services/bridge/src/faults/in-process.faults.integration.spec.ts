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

import { DLQ_HEADERS } from '../ingest/dead-letter.producer';
import {
  bridgeEnv,
  committedToEnd,
  consumeAll,
  header,
  newSetup,
  produce,
  startInProcess,
  type BridgeTestSetup,
  type Produced,
  type RunningBridge,
} from '../test-support/bridge-harness';
import { BASE_NS, calls } from '../test-support/event-factory';
import { FaultReport, peakRssMb } from './fault-report';

/**
 * The fault matrix, part 1: faults of the bridge's dependencies, with the
 * bridge service running in this process (embedded ClickHouse can be opened
 * by one process only, and the test must reach the same database to detach
 * it or slow it down). Real Redis, the mock Kafka cluster with fault
 * injection, embedded ClickHouse. Each case feeds a known set of events,
 * injects the fault mid-stream and asserts through storage: every valid
 * event stored exactly once, calls paired, offsets committed, and metrics
 * saying what happened.
 */
let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let clickhouse: ClickHouseTestServer;
const report = new FaultReport();
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [kafka, redis, clickhouse] = await Promise.all([
    startKafka({ faultInjection: true }),
    startRedis({ outageControl: true }),
    startClickHouse(),
  ]);
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  report.print();
  await Promise.all([kafka?.stop(), redis?.stop(), clickhouse?.stop()]);
});

async function storageFor(database: string): Promise<TemporalStorage> {
  const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database });
  cleanup.push(() => storage.close());
  return storage;
}

async function bridge(env: Record<string, string>): Promise<RunningBridge> {
  // The faults are provoked: their expected errors stay out of the test output (the metrics say what happened).
  const running = await startInProcess({ ...env, LOG_LEVEL: 'silent' });
  cleanup.push(() => running.close());
  return running;
}

async function admin(query: string): Promise<void> {
  const client = await clickHouseClient(clickhouse.target);
  try {
    await client.command({ query });
  } finally {
    await client.close();
  }
}

async function storedIds(storage: TemporalStorage): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.getEventsInRange(0n, BASE_NS * 2n, { cursor, limit: 10_000 });
    ids.push(...page.events.map((e) => e.event_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

/** Waits until `expected` events are stored and every offset committed; answers how long that took. */
async function settled(storage: TemporalStorage, setup: BridgeTestSetup, expected: number): Promise<number> {
  const started = Date.now();
  await pollUntil(async () => (await storage.getStats()).total_events >= expected, {
    timeoutMs: 90_000,
    intervalMs: 200,
    description: `${expected} events stored`,
  });
  await pollUntil(() => committedToEnd(kafka, setup.groupId, setup.topic), {
    timeoutMs: 60_000,
    intervalMs: 200,
    description: 'every offset committed',
  });
  return Date.now() - started;
}

/** Stored exactly once: the stored ids are the produced ones, none twice. */
async function expectExactlyOnce(storage: TemporalStorage, produced: readonly string[]): Promise<number> {
  const ids = await storedIds(storage);
  expect(new Set(ids)).toEqual(new Set(produced));
  expect(ids).toHaveLength(produced.length);
  return ids.length - new Set(ids).size;
}

/** Every exit of these calls carries its duration: each call was paired with its own entry. */
async function expectPaired(storage: TemporalStorage, correlationIds: readonly string[]): Promise<void> {
  for (const id of correlationIds) {
    const { events } = await storage.getEventsForCorrelation(id);
    const exit = events.find((e) => e.event_type === 'function_exit');
    expect(exit?.duration_ns, `exit of ${id} paired`).toBeDefined();
  }
}

describe('fault matrix (bridge service in this process)', () => {
  it('a poison event among good ones: dead-lettered with ClickHouse reason, the rest stored, all committed', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('fm_poison');
    await storageFor(database); // creates the schema, so the constraint can be added before the bridge writes
    await admin(`ALTER TABLE ${database}.events ADD CONSTRAINT no_poison CHECK event_type != 'poison'`);
    const good = calls(150, { tag: 'fm-poison' });
    const poison: Produced[] = [0, 1].map((i) => ({
      key: `poison-${i}`,
      value: JSON.stringify({
        event_id: `poison-${i}`,
        event_type: 'poison',
        correlation_id: `poison-${i}`,
        timestamp: (BASE_NS + BigInt(i)).toString(),
      }),
    }));
    await produce(kafka, setup.topic, [
      ...good.messages.slice(0, 100),
      poison[0]!,
      ...good.messages.slice(100),
      poison[1]!,
    ]);
    const running = await bridge(bridgeEnv(setup, clickhouse.target, database));
    const storage = await storageFor(database);
    const recoverMs = await settled(storage, setup, good.eventIds.length);
    const duplicates = await expectExactlyOnce(storage, good.eventIds);
    await expectPaired(storage, ['fm-poison-call-0', 'fm-poison-call-149']);

    const letters = await consumeAll(kafka, setup.dlqTopic, 2);
    expect(letters.map((m) => m.value?.toString('utf8')).sort()).toEqual(poison.map((p) => p.value));
    for (const letter of letters) {
      expect(header(letter, DLQ_HEADERS.reason)).toMatch(/^\(storage\): storage refused the event: .*no_poison/);
      expect(header(letter, DLQ_HEADERS.topic)).toBe(setup.topic);
      expect(header(letter, DLQ_HEADERS.offset)).toMatch(/^\d+$/);
    }
    expect(await running.metric('tb_bridge_events_refused_by_storage_total')).toBe(2);
    expect(await running.metric('tb_bridge_flush_failures_total')).toBe(0);
    report.add({
      case: 'poison event among good ones',
      sent: good.eventIds.length + 2,
      stored: good.eventIds.length,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });

  it('ClickHouse unavailable ~10 s (database detached) and back: paused, then everything stored once', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('fm_detach');
    const first = calls(200, { tag: 'fm-ch-a' });
    const second = calls(200, { tag: 'fm-ch-b' });
    const running = await bridge(bridgeEnv(setup, clickhouse.target, database, { BUFFER_SIZE: '100' }));
    const storage = await storageFor(database);
    await produce(kafka, setup.topic, first.messages);
    await pollUntil(async () => (await storage.getStats()).total_events > 0, { timeoutMs: 30_000 });
    await admin(`DETACH DATABASE ${database}`);
    try {
      await produce(kafka, setup.topic, second.messages);
      await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 1, {
        timeoutMs: 20_000,
        description: 'consumption paused while writes fail',
      });
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect(await running.metric('tb_bridge_flush_failures_total')).toBeGreaterThan(0);
    } finally {
      await admin(`ATTACH DATABASE ${database}`);
    }
    const recoverMs = await settled(storage, setup, 800);
    await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 0, {
      timeoutMs: 10_000,
      description: 'consumption resumed',
    });
    const duplicates = await expectExactlyOnce(storage, [...first.eventIds, ...second.eventIds]);
    await expectPaired(storage, ['fm-ch-a-call-199', 'fm-ch-b-call-0', 'fm-ch-b-call-199']);
    report.add({
      case: 'ClickHouse detached ~10 s',
      sent: 800,
      stored: 800,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });

  it('Kafka broker down and up mid-stream: the consumer comes back, nothing lost or doubled', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('fm_kafka');
    const first = calls(200, { tag: 'fm-kafka-a' });
    const second = calls(200, { tag: 'fm-kafka-b' });
    await bridge(bridgeEnv(setup, clickhouse.target, database));
    const storage = await storageFor(database);
    await produce(kafka, setup.topic, first.messages);
    await pollUntil(async () => (await storage.getStats()).total_events > 0, { timeoutMs: 30_000 });
    await kafka.faults!.brokerDown(1);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await kafka.faults!.brokerUp(1);
    const up = Date.now();
    await produce(kafka, setup.topic, second.messages);
    await settled(storage, setup, 800);
    const recoverMs = Date.now() - up;
    const duplicates = await expectExactlyOnce(storage, [...first.eventIds, ...second.eventIds]);
    await expectPaired(storage, ['fm-kafka-a-call-199', 'fm-kafka-b-call-199']);
    report.add({
      case: 'Kafka broker down 5 s, up',
      sent: 800,
      stored: 800,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });

  it('Redis stopped ~10 s and restarted empty: paused meanwhile, then calls paired and traces filled from storage', async () => {
    const setup = await newSetup(kafka, redis, 2);
    const database = await clickhouse.createDatabase('fm_redis');
    const n = 50;
    const msg = (root: number, event: Record<string, unknown>): Produced => ({
      key: `fm-r-${root}`,
      value: JSON.stringify(event),
    });
    const t = (root: number, step: number): string => (BASE_NS + BigInt(root) * 1_000_000n + BigInt(step)).toString();
    // Before the outage: a root call and its child, both open.
    const before = Array.from({ length: n }, (_, i) => [
      msg(i, { event_id: `r${i}-in`, event_type: 'function_entry', correlation_id: `r${i}`, timestamp: t(i, 0) }),
      msg(i, {
        event_id: `c${i}-in`,
        event_type: 'function_entry',
        correlation_id: `c${i}`,
        parent_id: `r${i}`,
        timestamp: t(i, 10),
      }),
    ]).flat();
    // After it (Redis knows none of them): a grandchild opens and closes, then the child and the root close.
    const after = Array.from({ length: n }, (_, i) => [
      msg(i, {
        event_id: `g${i}-in`,
        event_type: 'function_entry',
        correlation_id: `g${i}`,
        parent_id: `c${i}`,
        timestamp: t(i, 20),
      }),
      msg(i, { event_id: `g${i}-out`, event_type: 'function_exit', correlation_id: `g${i}`, timestamp: t(i, 30) }),
      msg(i, { event_id: `c${i}-out`, event_type: 'function_exit', correlation_id: `c${i}`, timestamp: t(i, 40) }),
      msg(i, { event_id: `r${i}-out`, event_type: 'function_exit', correlation_id: `r${i}`, timestamp: t(i, 100) }),
    ]).flat();
    const produced = [...before, ...after].map((m) => (JSON.parse(m.value as string) as { event_id: string }).event_id);
    const running = await bridge(bridgeEnv(setup, clickhouse.target, database));
    const storage = await storageFor(database);
    await produce(kafka, setup.topic, before);
    await pollUntil(async () => (await storage.getStats()).total_events === before.length, { timeoutMs: 30_000 });

    await redis.outage!.stop();
    let restarted = false;
    try {
      await produce(kafka, setup.topic, after);
      await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 1, {
        timeoutMs: 20_000,
        description: 'consumption paused while Redis is down',
      });
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect((await storage.getStats()).total_events).toBe(before.length);
      await redis.outage!.start();
      restarted = true;
    } finally {
      if (!restarted) await redis.outage!.start();
    }
    const recoverMs = await settled(storage, setup, produced.length);
    const duplicates = await expectExactlyOnce(storage, produced);
    for (let i = 0; i < n; i += 1) {
      const events = new Map(
        [
          ...(await storage.getEventsForCorrelation(`r${i}`)).events,
          ...(await storage.getEventsForCorrelation(`c${i}`)).events,
          ...(await storage.getEventsForCorrelation(`g${i}`)).events,
        ].map((e) => [e.event_id, e]),
      );
      expect(events.get(`g${i}-in`)?.trace_id).toBe(`r${i}`);
      expect(events.get(`r${i}-out`)).toMatchObject({ duration_ns: 100n, trace_id: `r${i}` });
      expect(events.get(`c${i}-out`)).toMatchObject({ duration_ns: 30n, trace_id: `r${i}` });
      expect(events.get(`g${i}-out`)).toMatchObject({ duration_ns: 10n, trace_id: `r${i}` });
    }
    expect(await running.metric('tb_bridge_correlations_recovered_total')).toBeGreaterThanOrEqual(3 * n);
    expect(await running.metric('tb_bridge_correlations_unrecovered_total')).toBe(0);
    report.add({
      case: 'Redis stopped ~10 s, restarted empty',
      sent: produced.length,
      stored: produced.length,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });

  it('slow storage and a faster producer: the buffer stays under its bound, consumption pauses and resumes', async () => {
    const setup = await newSetup(kafka, redis);
    const database = await clickhouse.createDatabase('fm_slow');
    await storageFor(database);
    // Real slowness inside ClickHouse: every insert into events also feeds a view that sleeps 3 ms a row.
    await admin(`CREATE TABLE ${database}.slow_sink (x UInt8) ENGINE = Null`);
    await admin(
      `CREATE MATERIALIZED VIEW ${database}.slow_view TO ${database}.slow_sink AS SELECT toUInt8(sleepEachRow(0.003)) AS x FROM ${database}.events`,
    );
    const bound = 300;
    const running = await bridge(
      bridgeEnv(setup, clickhouse.target, database, {
        BUFFER_SIZE: '100',
        MAX_BUFFERED_EVENTS: String(bound),
        KAFKA_MAX_BYTES_PER_PARTITION: '16384',
      }),
    );
    const storage = await storageFor(database);
    const load = calls(750, { tag: 'fm-slow' });
    let peakBuffered = 0;
    let sawPause = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakBuffered = Math.max(peakBuffered, await running.metric('tb_bridge_buffered_events'));
        sawPause ||= (await running.metric('tb_bridge_consumer_paused')) === 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await produce(kafka, setup.topic, load.messages);
    const recoverMs = await settled(storage, setup, load.eventIds.length);
    sampling = false;
    await sampler;
    await pollUntil(async () => (await running.metric('tb_bridge_consumer_paused')) === 0, { timeoutMs: 10_000 });
    const duplicates = await expectExactlyOnce(storage, load.eventIds);
    // One fetched batch may be admitted whole into an empty buffer (EventBuffer): bound + a batch.
    expect(peakBuffered).toBeLessThanOrEqual(bound + 200);
    expect(sawPause).toBe(true);
    report.add({
      case: `slow storage (3 ms/row), bound ${bound}: peak buffered ${peakBuffered}`,
      sent: load.eventIds.length,
      stored: load.eventIds.length,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });

  it('two replicas in one group, one lost mid-batch: its partitions move, nothing lost or doubled', async () => {
    // In this process (embedded ClickHouse is one process's): the lost replica is stopped with the shortest
    // deadline while slow storage holds its batches, so they are left uncommitted as a crash would leave them.
    const setup = await newSetup(kafka, redis, 4);
    const database = await clickhouse.createDatabase('fm_replicas');
    await storageFor(database);
    await admin(`CREATE TABLE ${database}.slow_sink (x UInt8) ENGINE = Null`);
    await admin(
      `CREATE MATERIALIZED VIEW ${database}.slow_view TO ${database}.slow_sink AS SELECT toUInt8(sleepEachRow(0.004)) AS x FROM ${database}.events`,
    );
    const env = bridgeEnv(setup, clickhouse.target, database, { BUFFER_SIZE: '100', SHUTDOWN_TIMEOUT_MS: '1000' });
    // Keyed by trace id as the SDK publishes: a call's entry and exit share a partition, and move together.
    const load = calls(400, { tag: 'fm-rep' });
    const survivor = await bridge(env);
    const lost = await startInProcess({ ...env, LOG_LEVEL: 'silent' });
    let lostClosed = false;
    cleanup.push(async () => {
      if (!lostClosed) await lost.close();
    });
    const storage = await storageFor(database);
    await produce(kafka, setup.topic, load.messages);
    await pollUntil(async () => (await lost.metric('tb_bridge_events_stored_total')) > 0, {
      timeoutMs: 60_000,
      description: 'the replica to lose has stored something',
    });
    const lostAt = Date.now();
    await lost.close();
    lostClosed = true;
    await settled(storage, setup, load.eventIds.length);
    const recoverMs = Date.now() - lostAt;
    const duplicates = await expectExactlyOnce(storage, load.eventIds);
    const { active_calls } = await storage.reconstructStateAt(BASE_NS + 10_000_000_000n);
    expect(active_calls.filter((c) => c.correlation_id.startsWith('fm-rep-'))).toEqual([]);
    await expectPaired(
      storage,
      Array.from({ length: 16 }, (_, i) => `fm-rep-call-${i * 25}`),
    );
    expect(await survivor.metric('tb_bridge_events_stored_total')).toBeGreaterThan(0);
    report.add({
      case: 'two replicas, one lost mid-batch',
      sent: load.eventIds.length,
      stored: load.eventIds.length,
      duplicates,
      recoverMs,
      peakRssMb: peakRssMb(),
    });
  });
});
