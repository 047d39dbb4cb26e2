import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pollUntil } from '../support/poll-until';
import { uniqueName } from '../support/unique-name';
import { startKafka, type KafkaTestCluster } from './kafka-provider';

// Short sessions so a group hand-over takes seconds, not the 30 s default.
const GROUP_TIMINGS = { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 250 };

async function consumeValues(consumer: Consumer, topic: string, count: number, commit: boolean): Promise<string[]> {
  const seen: string[] = [];
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      for (const message of batch.messages) {
        seen.push(valueOf(message));
        payload.resolveOffset(message.offset);
      }
      if (commit) {
        const last = batch.messages.at(-1);
        if (last !== undefined) {
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
        }
      }
      await payload.heartbeat();
    },
  });
  await pollUntil(() => seen.length >= count, { timeoutMs: 30_000, description: `${count} messages consumed` });
  return seen;
}

function valueOf(message: KafkaMessage): string {
  return message.value?.toString('utf8') ?? '';
}

describe('Kafka provider', () => {
  let kafka: KafkaTestCluster;

  beforeAll(async () => {
    kafka = await startKafka();
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('produces and consumes through a consumer group that resumes from its committed offset', async () => {
    const topic = await kafka.createTopic({ prefix: 'resume', partitions: 1 });
    const groupId = uniqueName('group');
    const client = new Kafka({ brokers: kafka.brokers, clientId: 'provider-test', logLevel: logLevel.NOTHING });
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: ['a1', 'a2', 'a3'].map((value) => ({ value })) });

    const first = client.consumer({ groupId, ...GROUP_TIMINGS });
    await first.connect();
    expect(await consumeValues(first, topic, 3, true)).toEqual(['a1', 'a2', 'a3']);
    await first.disconnect();

    await producer.send({ topic, messages: ['b1', 'b2'].map((value) => ({ value })) });
    const second = client.consumer({ groupId, ...GROUP_TIMINGS });
    await second.connect();
    const resumed = await consumeValues(second, topic, 2, false);
    await second.disconnect();
    await producer.disconnect();

    // Only what came after the commit: nothing lost, nothing repeated.
    expect(resumed).toEqual(['b1', 'b2']);
  });

  it('gives every test its own topics', async () => {
    const a = await kafka.createTopic();
    const b = await kafka.createTopic();
    expect(a).not.toEqual(b);
  });
});

describe('Kafka provider fault injection', () => {
  let kafka: KafkaTestCluster;

  beforeAll(async () => {
    kafka = await startKafka({ faultInjection: true });
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('a broker taken down makes produce fail; brought back, produce succeeds', async () => {
    const faults = kafka.faults;
    if (faults === undefined) throw new Error('faultInjection: true must give a cluster with faults');
    const topic = await kafka.createTopic({ prefix: 'faults', partitions: 1 });
    const client = new Kafka({
      brokers: kafka.brokers,
      clientId: 'fault-test',
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      requestTimeout: 1_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'before' }] });

    await faults.brokerDown(1);
    await expect(producer.send({ topic, messages: [{ value: 'during' }] })).rejects.toThrow();

    await faults.brokerUp(1);
    await pollUntil(
      async () => {
        await producer.send({ topic, messages: [{ value: 'after' }] });
        return true;
      },
      { timeoutMs: 20_000, description: 'produce after broker up' },
    );
    await producer.disconnect();

    const consumer = client.consumer({ groupId: uniqueName('faults'), ...GROUP_TIMINGS });
    await consumer.connect();
    const values = await consumeValues(consumer, topic, 2, false);
    await consumer.disconnect();
    expect(values[0]).toBe('before');
    expect(values).toContain('after');
  });

  it('injected request errors fail exactly the requests they target', async () => {
    const faults = kafka.faults;
    if (faults === undefined) throw new Error('faultInjection: true must give a cluster with faults');
    const topic = await kafka.createTopic({ prefix: 'errors', partitions: 1 });
    const client = new Kafka({
      brokers: kafka.brokers,
      clientId: 'errors-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = client.producer();
    await producer.connect();
    // Produce (api key 0) answered with error 87 (INVALID_RECORD, not retriable).
    await faults.failRequests(0, 87, 1);
    await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
    await expect(producer.send({ topic, messages: [{ value: 'y' }] })).resolves.toBeDefined();
    await producer.disconnect();
  });
});
