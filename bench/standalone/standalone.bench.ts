/**
 * bench/standalone: HTTP ingest of standalone mode, as a user runs it (the
 * built process on a fresh data directory, embedded ClickHouse).
 *
 *   npm run bench:standalone                                   # 1M events, then 30 s steady: ~3 min
 *   BENCH_EVENTS=200000 BENCH_SECONDS=10 npm run bench:standalone # ~1 min
 *
 * 1. Throughput: autocannon posts BENCH_EVENTS events in 1000-event JSON
 *    batches over 8 connections, as fast as the server answers. A 202 means
 *    the batch is durably stored, so the rate of 202s is the ingest rate.
 * 2. Steady: the same at a fixed rate for BENCH_SECONDS (BENCH_STEADY_RPS
 *    batches per second: 10, i.e. 10,000 events/s).
 * 3. The storage floor: the events of phase 1, encoded beforehand, stored by
 *    TemporalStorage alone in the server's insert size (bench/storage-floor.ts).
 * During 1 and 2, a probe posts one event under a fresh correlation id and
 * polls GET /v1/correlations/:id/events until it is there: that time is the
 * ingest-to-queryable latency. The server's CPU per event is split by thread
 * into the Node side and embedded ClickHouse (bench/thread-cpu.ts), its peak
 * memory into anonymous and file-backed (bench/memory-sampler.ts). Extra
 * server settings: BENCH_SERVER_ENV='FLUSH_INTERVAL_MS=50'. Prints figures;
 * asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { uuidv7 } from '@temporal-bridge/event-schema';
import { buildProjects } from '@temporal-bridge/testing';

import { runLoadChild } from '../load-child';
import { formatPeaks } from '../memory-sampler';
import { ServiceChild } from '../service-child';
import { summarize } from '../storage';
import { storageFloor } from '../storage-floor';
import { formatSplit, type CpuSplit } from '../thread-cpu';
import { LOAD_SPAN_NS, type IngestLoadConfig, type IngestLoadResult } from './load-client';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);
const EVENTS_PER_REQUEST = Number(process.env['BENCH_BATCH'] ?? 1000);
const BODIES = Number(process.env['BENCH_BODIES'] ?? 400);
const STEADY_RPS = Number(process.env['BENCH_STEADY_RPS'] ?? 10);
/** Settings passed to the server, as NAME=value pairs. */
const SERVER_ENV = Object.fromEntries(
  (process.env['BENCH_SERVER_ENV'] ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
// autocannon runs in a process of its own, so it does not share the probe's event loop.
const LOAD_CLIENT = join(__dirname, 'load-client.ts');

interface BridgeCounters {
  buffer_flushes: number;
  events_stored: number;
}

async function main(): Promise<void> {
  await buildProjects('services/standalone/tsconfig.app.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-standalone-'));
  const server = await ServiceChild.start('standalone', { DATA_DIR: dataDir, ...SERVER_ENV }, '/readyz');
  console.log(`standalone ${server.url}, data ${dataDir}`);

  const requests = Math.ceil(EVENTS / EVENTS_PER_REQUEST);
  const burstStartNs = BigInt(Date.now() - 600_000) * 1_000_000n;
  console.log(
    `throughput: ${(requests * EVENTS_PER_REQUEST).toLocaleString()} events, ${CONNECTIONS} connections, ${EVENTS_PER_REQUEST}-event batches...`,
  );
  const countersAtStart = await bridgeCounters(server.url);
  const cpuAtStart = await server.cpuSnapshot();
  const [burst, burstProbe] = await withProbe(server.url, () =>
    runLoadChild<IngestLoadResult>(LOAD_CLIENT, {
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: 3600,
      requests,
      eventsPerRequest: EVENTS_PER_REQUEST,
      bodies: BODIES,
      seed: 1,
      startNs: burstStartNs.toString(),
    } satisfies IngestLoadConfig),
  );
  const cpuAfterBurst = await server.cpuSnapshot();
  const countersAfterBurst = await bridgeCounters(server.url);
  const burstMemory = server.memoryPeaks();
  const burstCpu = await server.cpuSplit(cpuAtStart, cpuAfterBurst);
  const burstEvents = burst.ok * EVENTS_PER_REQUEST;
  const flushes = countersAfterBurst.buffer_flushes - countersAtStart.buffer_flushes;
  const meanFlush = Math.round(
    (countersAfterBurst.events_stored - countersAtStart.events_stored) / Math.max(1, flushes),
  );
  console.log(
    `  ${Math.round(burst.eventsPerSecond).toLocaleString()} events/s; ${flushes} flushes of ${meanFlush} events on average; peak RSS ${formatPeaks(burstMemory)}`,
  );
  for (const line of formatSplit(burstCpu, burstEvents)) console.log(line);

  console.log(
    `steady: ${STEADY_RPS} batches/s (${(STEADY_RPS * EVENTS_PER_REQUEST).toLocaleString()} events/s), ${SECONDS} s...`,
  );
  const [steady, steadyProbe] = await withProbe(server.url, () =>
    runLoadChild<IngestLoadResult>(LOAD_CLIENT, {
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      eventsPerRequest: EVENTS_PER_REQUEST,
      bodies: Math.min(BODIES, STEADY_RPS * SECONDS),
      requestsPerSecond: STEADY_RPS,
      seed: 2,
      startNs: (BigInt(Date.now() - 600_000) * 1_000_000n).toString(),
    } satisfies IngestLoadConfig),
  );
  const steadyCpu = await server.cpuSplit(cpuAfterBurst, await server.cpuSnapshot());
  const steadyEvents = steady.ok * EVENTS_PER_REQUEST;
  for (const line of formatSplit(steadyCpu, steadyEvents)) console.log(line);
  const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as { storage: { total_events: number } };
  const runMemory = server.memoryPeaks();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });

  // After the server is gone, so that the two do not share the machine's cores.
  console.log(`storage floor: the throughput phase's events pre-encoded, ${meanFlush}-event inserts...`);
  const floor = await storageFloor({
    dataset: {
      events: BODIES * EVENTS_PER_REQUEST,
      startNs: burstStartNs.toString(),
      spanNs: LOAD_SPAN_NS.toString(),
      seed: 1,
    },
    events: burstEvents,
    batchSize: meanFlush,
    concurrency: Number(SERVER_ENV['FLUSH_CONCURRENCY'] ?? 1),
  });
  for (const line of formatSplit(floor.cpu, floor.events)) console.log(line);

  const b = summarize(burstProbe);
  const s = summarize(steadyProbe);
  const distinct = Math.min(burst.ok, BODIES) * EVENTS_PER_REQUEST + Math.min(steady.ok, BODIES) * EVENTS_PER_REQUEST;
  const perEvent = (split: CpuSplit, side: 'nodeSeconds' | 'clickhouseSeconds', events: number): string =>
    `${((split[side] * 1e6) / Math.max(1, events)).toFixed(1)} us`;
  const rows: Array<[string, string, string]> = [
    [
      'ingest rate (8 connections)',
      `${Math.round(burst.eventsPerSecond).toLocaleString()} events/s`,
      '>= 50,000 events/s',
    ],
    ['  POST latency p50 / p99', `${burst.latencyP50} / ${burst.latencyP99} ms`, ''],
    ['  non-2xx / errors', `${burst.non2xx} / ${burst.errors + burst.timeouts}`, '0 / 0'],
    ['  ingest-to-queryable p50', `${b.p50.toFixed(0)} ms`, ''],
    ['  ingest-to-queryable p99', `${b.p99.toFixed(0)} ms`, ''],
    ['  CPU/event Node side', perEvent(burstCpu, 'nodeSeconds', burstEvents), '<= 5 us'],
    ['  CPU/event ClickHouse side', perEvent(burstCpu, 'clickhouseSeconds', burstEvents), ''],
    [
      'storage floor rate',
      `${Math.round(floor.eventsPerSecond).toLocaleString()} events/s`,
      '(same events, pre-encoded)',
    ],
    ['  ingest rate / storage floor', `${(burst.eventsPerSecond / floor.eventsPerSecond).toFixed(2)}x`, '>= 0.6x'],
    ['  floor CPU/event ClickHouse', perEvent(floor.cpu, 'clickhouseSeconds', floor.events), ''],
    ['  floor CPU/event Node', perEvent(floor.cpu, 'nodeSeconds', floor.events), ''],
    [`steady rate achieved`, `${Math.round(steady.eventsPerSecond).toLocaleString()} events/s`, ''],
    ['  POST latency p50 / p99', `${steady.latencyP50} / ${steady.latencyP99} ms`, ''],
    ['  ingest-to-queryable p50', `${s.p50.toFixed(0)} ms`, ''],
    ['  ingest-to-queryable p99', `${s.p99.toFixed(0)} ms`, '<= 300 ms'],
    ['  CPU/event Node side', perEvent(steadyCpu, 'nodeSeconds', steadyEvents), ''],
    ['  CPU/event ClickHouse side', perEvent(steadyCpu, 'clickhouseSeconds', steadyEvents), ''],
    [
      'events stored (stats)',
      stats.storage.total_events.toLocaleString(),
      `>= ${distinct.toLocaleString()} distinct sent`,
    ],
    [
      'peak RSS (throughput / all)',
      `${burstMemory.rssMiB.toFixed(0)} / ${runMemory.rssMiB.toFixed(0)} MiB`,
      '<= 512 MiB',
    ],
    ['  anonymous', `${burstMemory.anonMiB.toFixed(0)} / ${runMemory.anonMiB.toFixed(0)} MiB`, '<= 256 MiB'],
    ['  file-backed (code)', `${burstMemory.fileMiB.toFixed(0)} / ${runMemory.fileMiB.toFixed(0)} MiB`, ''],
    ['storage floor peak RSS', formatPeaks(floor.memory), '(rows held in memory)'],
  ];
  console.log(
    `\nbench/standalone: ${burst.bodyBytesMean.toFixed(0)} B mean body, ${burst.resent} resent bodies, ${burstProbe.length + steadyProbe.length} probes`,
  );
  if (Object.keys(SERVER_ENV).length > 0) console.log(`server settings: ${JSON.stringify(SERVER_ENV)}`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(30)} ${value.padStart(22)}   ${target}`);
}

/** The in-process bridge's counters (GET /v1/stats). */
async function bridgeCounters(url: string): Promise<BridgeCounters> {
  const stats = (await (await fetch(`${url}/v1/stats`)).json()) as { bridge: BridgeCounters };
  return stats.bridge;
}

/** Runs `work` while probing ingest-to-queryable latency, in ms, every 100 ms. */
async function withProbe<T>(url: string, work: () => Promise<T>): Promise<[T, number[]]> {
  const latencies: number[] = [];
  let running = true;
  const probing = (async () => {
    // Give the load client time to build its bodies before the probe counts.
    await new Promise((r) => setTimeout(r, 3_000));
    while (running) {
      latencies.push(await probeOnce(url));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const result = await work();
  running = false;
  await probing;
  return [result, latencies];
}

async function probeOnce(url: string): Promise<number> {
  const correlationId = `probe-${uuidv7()}`;
  const started = performance.now();
  const posted = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        event_type: 'log',
        correlation_id: correlationId,
        timestamp: (BigInt(Date.now()) * 1_000_000n).toString(),
        data: { message: 'probe' },
      },
    ]),
  });
  if (posted.status !== 202) throw new Error(`probe POST answered ${posted.status}: ${await posted.text()}`);
  for (;;) {
    const answer = await fetch(`${url}/v1/correlations/${correlationId}/events`);
    const body = (await answer.json()) as { events?: unknown[] };
    if ((body.events?.length ?? 0) > 0) return performance.now() - started;
    if (performance.now() - started > 60_000) throw new Error(`probe ${correlationId} not queryable after 60 s`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
