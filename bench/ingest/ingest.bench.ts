/**
 * bench/ingest: the bridge service end to end (Kafka -> Redis -> ClickHouse)
 * next to, in the same run, the raw kafkajs consume rate of the same messages
 * and the storage floor (the same events, encoded beforehand, stored by
 * TemporalStorage alone in the bridge's batch size: bench/storage-floor.ts).
 * For each phase it splits the bridge's CPU per event by thread into the Node
 * side and embedded ClickHouse (bench/thread-cpu.ts), and its peak memory into
 * anonymous and file-backed (bench/memory-sampler.ts).
 *
 *   npm run bench:ingest                     # 1M events backlog (the reference size), ~4 min
 *   BENCH_EVENTS=200000 BENCH_STEADY_SECONDS=10 npm run bench:ingest # ~1 min
 *
 * Kafka is librdkafka's mock cluster unless KAFKA_BROKERS is set, Redis a
 * local redis-server unless REDIS_URL is set; ClickHouse is embedded in the
 * bridge process (a fresh data directory). Extra bridge settings can be given
 * as BENCH_BRIDGE_ENV='FLUSH_INTERVAL_MS=50 BUFFER_SIZE=2000'. Prints figures;
 * asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProjects, pollUntil, startKafka, startRedis, uniqueName } from '@temporal-bridge/testing';

import { formatPeaks } from '../memory-sampler';
import { summarize } from '../storage';
import { ServiceChild } from '../service-child';
import { storageFloor } from '../storage-floor';
import { formatSplit } from '../thread-cpu';
import { formatJsPeaks, JsMemorySampler } from './js-memory';
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
/** Settings passed to the bridge on top of the bench's own, as NAME=value pairs. */
const BRIDGE_ENV = Object.fromEntries(
  (process.env['BENCH_BRIDGE_ENV'] ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

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

  const dataset = { events: EVENTS, startNs: BigInt(Date.now() - 3_600_000) * 1_000_000n, spanNs: 3_000_000_000_000n };
  const produced = await produceDataset(kafka.brokers, topic, dataset);
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
    ...BRIDGE_ENV,
  });
  const jsMemory = new JsMemorySampler(bridge.url, 'tb_bridge_');
  const cpuAtStart = await bridge.cpuSnapshot();
  const started = performance.now();
  await pollUntil(() => watcher.allCommitted(groupId, topic), {
    timeoutMs: 1_800_000,
    intervalMs: 100,
    description: 'backlog stored',
  });
  const e2eSeconds = (performance.now() - started) / 1000;
  const cpuAfterBacklog = await bridge.cpuSnapshot();
  const e2eRate = EVENTS / e2eSeconds;
  const backlogMemory = bridge.memoryPeaks();
  const backlogJs = jsMemory.peaks();
  const backlogCpu = await bridge.cpuSplit(cpuAtStart, cpuAfterBacklog);
  console.log(
    `bridge end to end: ${e2eSeconds.toFixed(1)} s (${Math.round(e2eRate).toLocaleString()} events/s), peak RSS ${formatPeaks(backlogMemory)}`,
  );
  console.log(`  peaks of ${formatJsPeaks(backlogJs)}`);
  const flushes = await bridge.metric('tb_bridge_flush_duration_seconds_count');
  const flushSeconds = await bridge.metric('tb_bridge_flush_duration_seconds_sum');
  const meanFlush = Math.round(EVENTS / Math.max(1, flushes));
  console.log(
    `  ${flushes} flushes, mean ${meanFlush} events and ${((1000 * flushSeconds) / Math.max(1, flushes)).toFixed(0)} ms each`,
  );
  for (const line of formatSplit(backlogCpu, EVENTS)) console.log(line);

  console.log(`steady ${STEADY_RATE.toLocaleString()} events/s for ${STEADY_SECONDS} s...`);
  const cpuBeforeSteady = await bridge.cpuSnapshot();
  const steady = await steadyLatency({
    brokers: kafka.brokers,
    topic,
    partitions: PARTITIONS,
    groupId,
    watcher,
    eventsPerSecond: STEADY_RATE,
    seconds: STEADY_SECONDS,
  });
  const steadyCpu = await bridge.cpuSplit(cpuBeforeSteady, await bridge.cpuSnapshot());
  const latency = summarize(steady.latenciesMs);
  const pollLatency = summarize(steady.pollMs);
  const runMemory = bridge.memoryPeaks();
  const runJs = jsMemory.peaks();
  jsMemory.stop();
  for (const line of formatSplit(steadyCpu, steady.sent)) console.log(line);

  await bridge.stop();
  await watcher.disconnect();
  await Promise.all([kafka.stop(), redis.stop()]);
  await rm(dataDir, { recursive: true, force: true });

  // After the bridge is gone, so that the two do not share the machine's cores.
  console.log(`storage floor: the same ${EVENTS.toLocaleString()} events pre-encoded, ${meanFlush}-event inserts...`);
  const floor = await storageFloor({
    dataset: { events: EVENTS, startNs: dataset.startNs.toString(), spanNs: dataset.spanNs.toString() },
    events: EVENTS,
    batchSize: meanFlush,
    concurrency: Number(BRIDGE_ENV['FLUSH_CONCURRENCY'] ?? 1),
  });
  for (const line of formatSplit(floor.cpu, floor.events)) console.log(line);
  const perEvent = (seconds: number, events: number): string => `${((seconds * 1e6) / events).toFixed(1)} us`;

  const rows: Array<[string, string, string]> = [
    ['end-to-end rate (backlog)', `${Math.round(e2eRate).toLocaleString()} events/s`, '>= 50,000 events/s'],
    ['raw kafkajs consume rate', `${Math.round(rawRate).toLocaleString()} events/s`, '(ceiling)'],
    ['end-to-end / raw', `${((100 * e2eRate) / rawRate).toFixed(0)} %`, '>= 50 %'],
    [
      'storage floor rate',
      `${Math.round(floor.eventsPerSecond).toLocaleString()} events/s`,
      '(same events, pre-encoded)',
    ],
    ['end-to-end / storage floor', `${(e2eRate / floor.eventsPerSecond).toFixed(2)}x`, '>= 0.6x'],
    ['CPU/event Node side (backlog)', perEvent(backlogCpu.nodeSeconds, EVENTS), '<= 6 us'],
    ['  ClickHouse side (backlog)', perEvent(backlogCpu.clickhouseSeconds, EVENTS), ''],
    ['  storage floor: ClickHouse', perEvent(floor.cpu.clickhouseSeconds, floor.events), ''],
    ['  storage floor: Node', perEvent(floor.cpu.nodeSeconds, floor.events), ''],
    ['CPU/event Node side (steady)', perEvent(steadyCpu.nodeSeconds, steady.sent), ''],
    ['  ClickHouse side (steady)', perEvent(steadyCpu.clickhouseSeconds, steady.sent), ''],
    ['bridge peak RSS (backlog)', `${backlogMemory.rssMiB.toFixed(0)} MiB`, '<= 512 MiB'],
    [
      '  anonymous / file-backed',
      `${backlogMemory.anonMiB.toFixed(0)} / ${backlogMemory.fileMiB.toFixed(0)} MiB`,
      'anon <= 256 MiB',
    ],
    ['  JavaScript (backlog)', formatJsPeaks(backlogJs), ''],
    ['bridge peak RSS (whole run)', `${runMemory.rssMiB.toFixed(0)} MiB`, '<= 512 MiB'],
    [
      '  anonymous / file-backed',
      `${runMemory.anonMiB.toFixed(0)} / ${runMemory.fileMiB.toFixed(0)} MiB`,
      'anon <= 256 MiB',
    ],
    ['  JavaScript (whole run)', formatJsPeaks(runJs), ''],
    ['storage floor peak RSS', formatPeaks(floor.memory), '(rows held in memory)'],
    [
      `steady rate achieved`,
      `${Math.round(steady.achievedRate).toLocaleString()} events/s`,
      `${STEADY_RATE.toLocaleString()}`,
    ],
    ['ingest-to-queryable p50', `${latency.p50.toFixed(0)} ms`, ''],
    ['ingest-to-queryable p99', `${latency.p99.toFixed(0)} ms`, '<= 300 ms'],
    ['ingest-to-queryable max', `${latency.max.toFixed(0)} ms`, ''],
    [
      '  resolution (offset poll p50/p99)',
      `${pollLatency.p50.toFixed(0)} / ${pollLatency.p99.toFixed(0)} ms`,
      '(included above)',
    ],
  ];
  console.log(
    `\nbench/ingest: ${EVENTS.toLocaleString()} events, ${PARTITIONS} partitions, ${steady.sent.toLocaleString()} steady events`,
  );
  if (Object.keys(BRIDGE_ENV).length > 0) console.log(`bridge settings: ${JSON.stringify(BRIDGE_ENV)}`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(30)} ${value.padStart(20)}   ${target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
