import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { pollUntil, startKafka, uniqueName, type KafkaTestCluster } from '@temporal-bridge/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { assertAllValid } from '../__fixtures__/collecting-transport';
import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { KafkaTransport, type KafkaTransportOptions } from './kafka.transport';

// Short sessions on the mock cluster (docs/development.md).
const GROUP_TIMINGS = { sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 250 };
// Fail fast while a broker is down; the runtime does the retrying.
const CLIENT = {
  connectionTimeout: 500,
  requestTimeout: 2_000,
  retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
};

interface Consumed {
  key: string;
  event: SerializedEvent;
}

/** Reads the topic from the beginning with a fresh consumer group until `count` messages arrived. */
async function consume(brokers: string[], topic: string, count: number): Promise<Consumed[]> {
  const consumer = new Kafka({ brokers, clientId: 'sdk-test-reader', logLevel: logLevel.NOTHING }).consumer({
    groupId: uniqueName('sdk_reader'),
    ...GROUP_TIMINGS,
  });
  const seen: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString('utf8') ?? '',
          event: JSON.parse(message.value?.toString('utf8') ?? 'null') as SerializedEvent,
        });
      },
    });
    await pollUntil(() => seen.length >= count, { timeoutMs: 30_000, description: `${count} messages on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function runtimeFor(transport: KafkaTransport, capacity: number): InstrumentationRuntime {
  return new InstrumentationRuntime({
    service: 'kafka-test',
    transport,
    queue: { capacity, batchSize: 20, lingerMs: 5 },
    retry: { initialMs: 50, maxMs: 400 },
    dropReportIntervalMs: 0,
  });
}

describe('KafkaTransport on real Kafka', () => {
  let kafka: KafkaTestCluster;
  const runtimes: InstrumentationRuntime[] = [];

  beforeAll(async () => {
    kafka = await startKafka();
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.shutdown(2_000)));
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  it('publishes every event, valid, keyed by trace id (correlation id outside traces)', async () => {
    const topic = await kafka.createTopic({ prefix: 'sdk_events', partitions: 4 });
    const transport = new KafkaTransport({ brokers: kafka.brokers, topic, kafka: CLIENT });
    const runtime = runtimeFor(transport, 10_000);
    runtimes.push(runtime);
    for (let t = 0; t < 10; t += 1) {
      await runtime.traced(`handler-${t}`, async () => {
        runtime.stateChange({ t });
        await runtime.traced('inner', async () => runtime.messageSend(`m-${t}`));
      });
    }
    runtime.log('info', 'outside any trace');
    expect(await runtime.flush(10_000)).toEqual({ ok: true, unsent: 0 });
    const emitted = runtime.stats().emitted;
    expect(emitted).toBe(10 * 6 + 1);

    const consumed = await consume(kafka.brokers, topic, emitted);
    assertAllValid(consumed.map((c) => c.event));
    expect(new Set(consumed.map((c) => c.event.event_id)).size).toBe(emitted);
    for (const { key, event } of consumed) expect(key).toBe(event.trace_id ?? event.correlation_id);
    // One trace, one key: each trace's events stay in order in one partition.
    const traces = new Set(consumed.filter((c) => c.event.trace_id !== undefined).map((c) => c.key));
    expect(traces.size).toBe(10);
    // The mock cluster cannot start an idempotent producer (InitProducerId goes to a controller it does not list).
    expect(transport.idempotent).toBe(kafka.kind === 'mock' ? false : true);
  });
});

describe('KafkaTransport through a broker outage', () => {
  let kafka: KafkaTestCluster;
  const runtimes: InstrumentationRuntime[] = [];

  beforeAll(async () => {
    kafka = await startKafka({ faultInjection: true });
  });
  afterEach(async () => {
    await kafka.faults?.brokerUp(1);
    await Promise.all(runtimes.splice(0).map((r) => r.shutdown(2_000)));
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  async function connected(options: Partial<KafkaTransportOptions>, capacity: number) {
    const topic = await kafka.createTopic({ prefix: 'sdk_outage', partitions: 4 });
    const runtime = runtimeFor(
      new KafkaTransport({ brokers: kafka.brokers, topic, kafka: CLIENT, ...options }),
      capacity,
    );
    runtimes.push(runtime);
    runtime.log('info', 'before the outage');
    expect(await runtime.flush(10_000)).toEqual({ ok: true, unsent: 0 });
    return { topic, runtime };
  }

  it('loses nothing within queue capacity once the broker is back', async () => {
    const faults = kafka.faults!;
    const { topic, runtime } = await connected({}, 1_000);
    await faults.brokerDown(1);
    for (let i = 0; i < 150; i += 1) runtime.traced(`during-${i % 7}`, () => runtime.stateChange({ i }));
    await pollUntil(() => runtime.stats().send_failures >= 2, {
      timeoutMs: 20_000,
      description: 'sends failing while down',
    });
    expect(runtime.stats().sent).toBe(1);
    await faults.brokerUp(1);
    expect(await runtime.flush(30_000)).toEqual({ ok: true, unsent: 0 });

    const stats = runtime.stats();
    expect(stats.emitted).toBe(1 + 150 * 3);
    expect(stats.dropped.total).toBe(0);
    const consumed = await consume(kafka.brokers, topic, stats.emitted);
    assertAllValid(consumed.map((c) => c.event));
    // At-least-once: a retried batch may land twice; distinct ids are exactly what was emitted.
    expect(new Set(consumed.map((c) => c.event.event_id)).size).toBe(stats.emitted);
    const states = consumed
      .filter((c) => c.event.event_type === 'state_change')
      .map((c) => (c.event.data?.['state'] as { i: number }).i);
    expect(new Set(states)).toEqual(new Set(Array.from({ length: 150 }, (_, i) => i)));
  });

  it('counts what it drops beyond capacity, and delivers the rest', async () => {
    const faults = kafka.faults!;
    const { topic, runtime } = await connected({}, 100);
    await faults.brokerDown(1);
    for (let i = 0; i < 250; i += 1) runtime.stateChange({ i });
    await pollUntil(() => runtime.stats().send_failures >= 1, { timeoutMs: 20_000 });
    const during = runtime.stats();
    expect(during.dropped.queue_full).toBe(150);
    expect(during.queue_depth + during.in_flight).toBe(100);
    await faults.brokerUp(1);
    expect(await runtime.flush(30_000)).toEqual({ ok: true, unsent: 0 });

    const stats = runtime.stats();
    expect(stats.sent).toBe(101);
    expect(stats.sent + stats.dropped.total).toBe(stats.emitted);
    const consumed = await consume(kafka.brokers, topic, 101);
    const states = new Set(consumed.map((c) => (c.event.data?.['state'] as { i?: number } | undefined)?.i));
    // drop-oldest: the batch that was in flight survives, and the newest events.
    expect(states.has(249)).toBe(true);
    expect(states.size).toBe(101);
  });

  it('does not settle idempotent: auto while the broker is down, and warns once when the cluster says it cannot', async () => {
    const topic = await kafka.createTopic({ prefix: 'sdk_auto', partitions: 1 });
    const transport = new KafkaTransport({ brokers: kafka.brokers, topic, kafka: CLIENT });
    const runtime = runtimeFor(transport, 100);
    runtimes.push(runtime);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await kafka.faults!.brokerDown(1);
      runtime.stateChange({ during: 'outage' });
      await pollUntil(() => runtime.stats().send_failures >= 2, { timeoutMs: 20_000 });
      // Connects failed only for the outage: nothing is decided.
      expect(transport.idempotenceMode).toBe('auto');
      expect(warnings).toEqual([]);
      await kafka.faults!.brokerUp(1);
      expect(await runtime.flush(30_000)).toEqual({ ok: true, unsent: 0 });
      await new Promise((resolve) => setImmediate(resolve));
      if (kafka.kind === 'mock') {
        // The mock cluster answers with a controller it does not list, twice: a definite answer.
        expect(transport.idempotenceMode).toBe(false);
        expect(warnings.map((w) => (w as { code?: string }).code)).toEqual(['TB_KAFKA_NOT_IDEMPOTENT']);
      } else {
        expect(transport.idempotenceMode).toBe(true);
      }
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('with idempotent: true on a cluster that cannot, fails visibly and keeps the events queued', async () => {
    const topic = await kafka.createTopic({ prefix: 'sdk_idem', partitions: 1 });
    const runtime = runtimeFor(
      new KafkaTransport({ brokers: kafka.brokers, topic, kafka: CLIENT, idempotent: true }),
      100,
    );
    runtimes.push(runtime);
    runtime.stateChange({ waiting: true });
    await pollUntil(() => runtime.stats().send_failures >= 1, { timeoutMs: 20_000 });
    expect(runtime.stats().last_error).toContain('idempotent producer did not start');
    expect(runtime.stats()).toMatchObject({ sent: 0, queue_depth: 0, in_flight: 1 });
  });
});
