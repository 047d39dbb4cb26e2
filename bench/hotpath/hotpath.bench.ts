/**
 * bench/hotpath: the Node-side cost of ingest, stage by stage, in one
 * process: CPU microseconds per event of the main thread (where the event
 * loop runs) and of the whole process (GC helpers, chdb's threads).
 *
 *   npx tsx bench/hotpath/hotpath.bench.ts
 *   BENCH_EVENTS=200000 npx tsx bench/hotpath/hotpath.bench.ts
 *   node --cpu-prof --import tsx bench/hotpath/hotpath.bench.ts   # profile
 *
 * Messages are the bench/storage synthetic fleet serialized as the SDK sends
 * them (Kafka values as Buffers; for HTTP, JSON arrays of 1000). Stages run
 * the real code: IngestPipeline.submit (decode, validate, buffer) the way
 * the bridge's BatchProcessor calls it, Correlator with RedisCorrelationCache
 * on a local redis-server, encodeEventRows, and TemporalStorage.insertEvents
 * into embedded chdb (a fresh data directory). Prints figures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serializeEvent, systemClock, type TemporalEvent } from '@temporal-bridge/event-schema';
import {
  Correlator,
  RedisCorrelationCache,
  TemporalBridge,
  type BridgeStorage,
} from '@temporal-bridge/temporal-bridge';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { startRedis } from '@temporal-bridge/testing';

// The encoder is internal to temporal-storage: the bench times it alone, next to the insert it is part of.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { encodeEventRows } from '../../libs/temporal-storage/src/ingest/event-rows';
import { SyntheticDataset } from '../storage';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const BATCH = 1000;
const WARMUP_ROUNDS = 2;

/** CPU seconds of the main thread (from /proc, tick resolution) and of the whole process. */
function cpuNow(): { main: number; process: number } {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const usage = process.cpuUsage();
  return { main: ticks / 100, process: (usage.user + usage.system) / 1e6 };
}

interface Figure {
  stage: string;
  mainUs: number;
  processUs: number;
}

async function measure(stage: string, events: number, work: () => Promise<void> | void): Promise<Figure> {
  const before = cpuNow();
  await work();
  const after = cpuNow();
  return {
    stage,
    mainUs: ((after.main - before.main) * 1e6) / events,
    processUs: ((after.process - before.process) * 1e6) / events,
  };
}

function datasetMessages(count: number, startNs: bigint): { kafka: Buffer[][]; http: string[] } {
  const dataset = new SyntheticDataset({ events: count, startNs, spanNs: 60_000_000_000n });
  const kafka: Buffer[][] = [];
  const http: string[] = [];
  for (const batch of dataset.batches(BATCH)) {
    const texts = batch.map((event) => JSON.stringify(serializeEvent(event)));
    kafka.push(texts.map((text) => Buffer.from(text)));
    http.push(`[${texts.join(',')}]`);
  }
  return { kafka, http };
}

/** Longest setInterval delay: the bridge's own flush timer never fires during a round. */
const NEVER_MS = 2 ** 31 - 1;

/** A bridge that never flushes by itself (the bench correlates and inserts its batches): submit is all it does. */
async function submitOnlyBridge(): Promise<TemporalBridge> {
  const discard = { insertEvents: async () => undefined, ping: async () => undefined, close: async () => undefined };
  return TemporalBridge.start({
    temporalStorage: discard as unknown as BridgeStorage,
    bufferSize: 2 ** 30,
    maxBufferedEvents: 2 ** 30,
    flushIntervalMs: NEVER_MS,
    timestampWindow: { retentionDays: 30, maxClockSkewSeconds: 300 },
  });
}

/** As BatchProcessor calls it: per-message fallback id and receive time; answers the accepted events by batch. */
async function submitKafka(bridge: TemporalBridge, batches: Buffer[][]): Promise<TemporalEvent[][]> {
  let offset = 0;
  const accepted: TemporalEvent[][] = [];
  for (const values of batches) {
    const messages = values.map((value) => ({ value, offset: String(offset++), timestamp: String(Date.now()) }));
    const result = await bridge.submit(
      messages.map((m) => m.value),
      {
        raw: true,
        fallbackEventId: (i) => `kafka:events/0/${messages[i]!.offset}`,
        receivedAt: (i) => BigInt(messages[i]!.timestamp) * 1_000_000n,
        onStorageReject: () => undefined,
      },
    );
    accepted.push(result.accepted);
  }
  return accepted;
}

/** Fastify's JSON body parser, then IngestService.ingest's submit. */
async function submitHttp(bridge: TemporalBridge, bodies: string[]): Promise<void> {
  for (const body of bodies) {
    const items = (JSON.parse(body) as unknown[]).map((value, index) => ({ index, value }));
    await bridge.submit(
      items.map((item) => item.value),
      { fallbackEventId: () => 'http:x', onStorageReject: () => undefined },
    );
  }
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-hotpath-'));
  const storage = await TemporalStorage.open({ clickhouse: { kind: 'embedded', dataDir } });
  const cache = new RedisCorrelationCache({ redis: redis.url, keyPrefix: redis.keyPrefix('hotpath') });
  const correlator = new Correlator(cache);
  const startNs = systemClock.nowNanos() - 120_000_000_000n;
  const figures: Figure[][] = [];
  try {
    const { kafka, http } = datasetMessages(EVENTS, startNs);
    const bytes = kafka.flat().reduce((sum, value) => sum + value.byteLength, 0);
    console.log(`${EVENTS.toLocaleString()} events, mean ${Math.round(bytes / EVENTS)} B, batches of ${BATCH}`);
    // Warm-up rounds let the JIT settle; the last round is the one reported.
    for (let round = 0; round <= WARMUP_ROUNDS; round += 1) {
      const run: Figure[] = [];
      const kafkaBridge = await submitOnlyBridge();
      let parsed: TemporalEvent[][] = [];
      run.push(
        await measure('kafka submit (decode+validate+buffer)', EVENTS, async () => {
          parsed = await submitKafka(kafkaBridge, kafka);
        }),
      );
      const httpBridge = await submitOnlyBridge();
      run.push(await measure('http submit (JSON.parse body+validate)', EVENTS, () => submitHttp(httpBridge, http)));
      // Their stop flushes into the discarding storage (correlated in memory): outside the figures.
      await Promise.all([kafkaBridge.stop(), httpBridge.stop()]);
      const correlated: TemporalEvent[][] = [];
      run.push(
        await measure('correlate (redis pipeline)', EVENTS, async () => {
          for (const batch of parsed) correlated.push(await correlator.correlate(batch));
        }),
      );
      run.push(
        await measure('encode (TSV)', EVENTS, () => {
          for (const batch of correlated) encodeEventRows(batch);
        }),
      );
      run.push(
        await measure('insertEvents (encode+chdb)', EVENTS, async () => {
          for (const batch of correlated) await storage.insertEvents(batch);
        }),
      );
      figures.push(run);
      console.log(`round ${round + 1}/${WARMUP_ROUNDS + 1} done`);
    }
  } finally {
    await cache.close();
    await storage.close();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const last = figures[figures.length - 1]!;
  console.log('\nCPU us per event (last round)          main thread   whole process');
  for (const f of last)
    console.log(`${f.stage.padEnd(40)} ${f.mainUs.toFixed(2).padStart(10)} ${f.processUs.toFixed(2).padStart(14)}`);
  const bridge = last.filter((f) => !f.stage.startsWith('http') && !f.stage.startsWith('encode'));
  const sum = (fs: Figure[], key: 'mainUs' | 'processUs'): string => fs.reduce((s, f) => s + f[key], 0).toFixed(2);
  console.log(
    `${'bridge path (kafka submit+correlate+insert)'.padEnd(40)} ${sum(bridge, 'mainUs').padStart(10)} ${sum(bridge, 'processUs').padStart(14)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
