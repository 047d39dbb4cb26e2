/**
 * bench/ingest: the bridge service end to end (Kafka -> Redis -> ClickHouse)
 * next to the raw kafkajs consume rate of the same messages, in one run.
 *
 *   npm run bench:ingest                     # 1M events (the reference size)
 *   BENCH_EVENTS=200000 npm run bench:ingest # quicker
 *
 * Kafka is librdkafka's mock cluster unless KAFKA_BROKERS is set, Redis a
 * local redis-server unless REDIS_URL is set; ClickHouse is embedded in the
 * bridge process (a fresh data directory). Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProjects, pollUntil, startKafka, startRedis, uniqueName } from '@temporal-bridge/testing';

import { summarize } from '../storage';
import { ServiceChild } from '../service-child';
import { OffsetWatcher } from './offset-watcher';
import { produceDataset } from './produce-dataset';
import { consumeOnly } from './raw-consume';
import { steadyLatency } from './steady-latency';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
// The mock cluster keeps at most 5 MB per partition (docs/development.md): spread 1M
// events of ~450 B wide enough that none is deleted before it is read.
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 256);
const STEADY_RATE = Number(process.env['BENCH_STEADY_RATE'] ?? 10_000);
const STEADY_SECONDS = Number(process.env['BENCH_STEADY_SECONDS'] ?? 30);

async function main(): Promise<void> {
  const [kafka, redis] = await Promise.all([
    startKafka(),
    startRedis(),
    buildProjects('services/bridge/tsconfig.app.json'),
  ]);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const topic = await kafka.createTopic({ prefix: 'bench_events', partitions: PARTITIONS });
  const dlq = await kafka.createTopic({ prefix: 'bench_dlq', partitions: 1 });
  console.log(`kafka ${kafka.kind} ${kafka.brokers.join(',')}, redis ${redis.kind}, clickhouse embedded in ${dataDir}`);
  console.log(`topic ${topic}: ${PARTITIONS} partitions; producing ${EVENTS.toLocaleString()} events...`);

  const produced = await produceDataset(kafka.brokers, topic, EVENTS);
  console.log(
    `produced in ${produced.seconds.toFixed(1)} s (${Math.round(EVENTS / produced.seconds).toLocaleString()} events/s, mean ${Math.round(produced.bytes / EVENTS)} B)`,
  );

  const watcher = new OffsetWatcher(kafka.brokers);
  await watcher.connect();
  const retained = await watcher.retained(topic);
  if (retained < EVENTS)
    throw new Error(
      `the broker kept ${retained.toLocaleString()} of ${EVENTS.toLocaleString()} events (the mock cluster keeps 5 MB per partition): raise BENCH_PARTITIONS`,
    );

  const raw = await consumeOnly(kafka.brokers, topic, EVENTS);
  const rawRate = EVENTS / raw.seconds;
  console.log(`raw kafkajs consume: ${raw.seconds.toFixed(1)} s (${Math.round(rawRate).toLocaleString()} events/s)`);

  const groupId = uniqueName('bench_bridge');
  const bridge = await ServiceChild.start('bridge', {
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlq,
    KAFKA_GROUP_ID: groupId,
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix('bench'),
    CLICKHOUSE_DATA_DIR: dataDir,
  });
  const started = performance.now();
  await pollUntil(() => watcher.allCommitted(groupId, topic), {
    timeoutMs: 1_800_000,
    intervalMs: 100,
    description: 'backlog stored',
  });
  const e2eSeconds = (performance.now() - started) / 1000;
  const e2eRate = EVENTS / e2eSeconds;
  const backlogRss = bridge.rssPeakMiB;
  const backlogAnon = bridge.anonPeakMiB;
  console.log(
    `bridge end to end: ${e2eSeconds.toFixed(1)} s (${Math.round(e2eRate).toLocaleString()} events/s), peak RSS ${backlogRss.toFixed(0)} MiB`,
  );
  const flushes = await bridge.metric('tb_bridge_flush_duration_seconds_count');
  const flushSeconds = await bridge.metric('tb_bridge_flush_duration_seconds_sum');
  console.log(
    `  ${flushes} flushes, mean ${Math.round(EVENTS / Math.max(1, flushes))} events and ${((1000 * flushSeconds) / Math.max(1, flushes)).toFixed(0)} ms each`,
  );

  console.log(`steady ${STEADY_RATE.toLocaleString()} events/s for ${STEADY_SECONDS} s...`);
  const steady = await steadyLatency({
    brokers: kafka.brokers,
    topic,
    partitions: PARTITIONS,
    groupId,
    watcher,
    eventsPerSecond: STEADY_RATE,
    seconds: STEADY_SECONDS,
  });
  const latency = summarize(steady.latenciesMs);
  const steadyRss = bridge.rssPeakMiB;
  const steadyAnon = bridge.anonPeakMiB;

  await bridge.stop();
  await watcher.disconnect();
  await Promise.all([kafka.stop(), redis.stop()]);
  await rm(dataDir, { recursive: true, force: true });

  const rows: Array<[string, string, string]> = [
    ['end-to-end rate (backlog)', `${Math.round(e2eRate).toLocaleString()} events/s`, '>= 50,000 events/s'],
    ['raw kafkajs consume rate', `${Math.round(rawRate).toLocaleString()} events/s`, '(ceiling)'],
    ['end-to-end / raw', `${((100 * e2eRate) / rawRate).toFixed(0)} %`, '>= 50 %'],
    ['bridge peak RSS (backlog)', `${backlogRss.toFixed(0)} MiB`, '<= 512 MiB'],
    ['  of it anonymous (not code)', `${backlogAnon.toFixed(0)} MiB`, ''],
    ['bridge peak RSS (whole run)', `${steadyRss.toFixed(0)} MiB`, '<= 512 MiB'],
    ['  of it anonymous (not code)', `${steadyAnon.toFixed(0)} MiB`, ''],
    [
      `steady rate achieved`,
      `${Math.round(steady.achievedRate).toLocaleString()} events/s`,
      `${STEADY_RATE.toLocaleString()}`,
    ],
    ['ingest-to-queryable p50', `${latency.p50.toFixed(0)} ms`, ''],
    ['ingest-to-queryable p99', `${latency.p99.toFixed(0)} ms`, '<= 500 ms'],
    ['ingest-to-queryable max', `${latency.max.toFixed(0)} ms`, ''],
  ];
  console.log(
    `\nbench/ingest: ${EVENTS.toLocaleString()} events, ${PARTITIONS} partitions, ${steady.sent.toLocaleString()} steady events`,
  );
  for (const [name, value, target] of rows) console.log(`${name.padEnd(30)} ${value.padStart(20)}   ${target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
