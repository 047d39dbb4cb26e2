import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  clickHouseEnv,
  pollUntil,
  uniqueName,
  type ClickHouseTarget,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { Kafka, logLevel, Partitioners, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { onTestFailed } from 'vitest';

import { createBridgeApp } from '../app/create-bridge-app';
import { loadBridgeConfig } from '../config/bridge.config';

/** Short group timings: the mock cluster makes a rejoining member wait out the session. */
export const FAST_GROUP = { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500' };

export interface BridgeTestSetup {
  kafka: KafkaTestCluster;
  redis: RedisTestServer;
  topic: string;
  dlqTopic: string;
  groupId: string;
  keyPrefix: string;
}

export async function newSetup(
  kafka: KafkaTestCluster,
  redis: RedisTestServer,
  partitions = 4,
): Promise<BridgeTestSetup> {
  return {
    kafka,
    redis,
    topic: await kafka.createTopic({ prefix: 'events', partitions }),
    dlqTopic: await kafka.createTopic({ prefix: 'dlq', partitions: 1 }),
    groupId: uniqueName('group'),
    keyPrefix: redis.keyPrefix('bridge'),
  };
}

/** The environment a deployment would give the bridge, for this test's services. */
export function bridgeEnv(
  setup: BridgeTestSetup,
  clickhouse: ClickHouseTarget,
  database: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: setup.kafka.brokers.join(','),
    KAFKA_TOPIC: setup.topic,
    KAFKA_DLQ_TOPIC: setup.dlqTopic,
    KAFKA_GROUP_ID: setup.groupId,
    REDIS_URL: setup.redis.url,
    REDIS_KEY_PREFIX: setup.keyPrefix,
    ...(database === undefined ? {} : { CLICKHOUSE_DATABASE: database }),
    ...clickHouseEnv(clickhouse),
    FLUSH_INTERVAL_MS: '50',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...FAST_GROUP,
    ...extra,
  };
}

export interface RunningBridge {
  app: NestFastifyApplication;
  url: string;
  /** The bridge's JSON log lines so far (kept in memory, printed only if the test fails). */
  logs(): string[];
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

/** The bridge service as an application inside the test process, listening on a free port, ready. */
export async function startInProcess(env: Record<string, string>): Promise<RunningBridge> {
  const config = loadBridgeConfig(env);
  // Outage tests make kafkajs and the bridge log errors they expect: keep
  // them out of a passing run's output, and show them when a test fails.
  const lines: string[] = [];
  const logger = pino(
    { level: env['LOG_LEVEL'] ?? 'warn', base: { service: 'bridge-test' }, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (line: string) => void lines.push(line) },
  );
  try {
    onTestFailed(() => void process.stdout.write(`bridge logs of the failed test:\n${lines.join('')}`));
  } catch {
    // Started outside a test (beforeAll): nothing to attach to; lines stay available through logs().
  }
  const app = await createBridgeApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  await waitReady(url);
  return { app, url, logs: () => [...lines], metric: (name) => metricValue(url, name), close: () => app.close() };
}

export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(async () => (await fetch(`${url}/readyz`)).status === 200, {
    timeoutMs,
    intervalMs: 200,
    description: `${url}/readyz`,
  });
}

/** Sum of a Prometheus metric's samples (all label sets). */
export async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export function kafkaClient(kafka: KafkaTestCluster): Kafka {
  return new Kafka({
    brokers: kafka.brokers,
    clientId: 'bridge-test',
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
}

export type Produced = { key?: string; value: string | Buffer | null; partition?: number; headers?: IHeaders };

export async function produce(kafka: KafkaTestCluster, topic: string, messages: Produced[]): Promise<void> {
  const producer = kafkaClient(kafka).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads `count` messages of a topic from the beginning. */
export async function consumeAll(kafka: KafkaTestCluster, topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafkaClient(kafka).consumer({
    groupId: uniqueName('reader'),
    ...{ sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 250 },
  });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await pollUntil(() => seen.length >= count, { timeoutMs: 60_000, description: `${count} messages on ${topic}` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** True when the group has committed every partition up to its end: everything consumed was stored. */
export async function committedToEnd(kafka: KafkaTestCluster, groupId: string, topic: string): Promise<boolean> {
  const admin: Admin = kafkaClient(kafka).admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return ends.every((end) => {
      const done = committed?.partitions.find((p) => p.partition === end.partition);
      return end.high === '0' || done?.offset === end.high;
    });
  } finally {
    await admin.disconnect();
  }
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Messages per partition of a topic (high watermarks). */
export async function partitionSizes(kafka: KafkaTestCluster, topic: string): Promise<number[]> {
  const admin = kafkaClient(kafka).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => Number(p.high) - Number(p.low));
  } finally {
    await admin.disconnect();
  }
}
