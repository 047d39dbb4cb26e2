/**
 * bench/standalone: HTTP ingest of standalone mode, as a user runs it (the
 * built process on a fresh data directory, embedded ClickHouse).
 *
 *   npm run bench:standalone
 *   BENCH_SECONDS=10 npm run bench:standalone      # quicker
 *
 * 1. Throughput: autocannon posts 1000-event JSON batches over 8 connections,
 *    as fast as the server answers. A 202 means the batch is durably stored,
 *    so the rate of 202s is the ingest rate.
 * 2. Steady: the same at a fixed rate (BENCH_STEADY_RPS batches per second).
 * During both, a probe posts one event under a fresh correlation id and
 * polls GET /v1/correlations/:id/events until it is there: that time is the
 * ingest-to-queryable latency. Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { uuidv7 } from '@temporal-bridge/event-schema';
import { buildProjects } from '@temporal-bridge/testing';

import { runLoadChild } from '../load-child';
import { ServiceChild } from '../service-child';
import { summarize } from '../storage';
import type { IngestLoadConfig, IngestLoadResult } from './load-client';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);
const EVENTS_PER_REQUEST = Number(process.env['BENCH_BATCH'] ?? 1000);
const BODIES = Number(process.env['BENCH_BODIES'] ?? 400);
const STEADY_RPS = Number(process.env['BENCH_STEADY_RPS'] ?? 25);
// autocannon runs in a process of its own, so it does not share the probe's event loop.
const LOAD_CLIENT = join(__dirname, 'load-client.ts');

async function main(): Promise<void> {
  await buildProjects('services/standalone/tsconfig.app.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-standalone-'));
  const server = await ServiceChild.start('standalone', { DATA_DIR: dataDir }, '/readyz');
  console.log(`standalone ${server.url}, data ${dataDir}`);

  console.log(`throughput: ${CONNECTIONS} connections, ${EVENTS_PER_REQUEST}-event batches, ${SECONDS} s...`);
  const cpuAtStart = await server.cpuSeconds();
  const [burst, burstProbe] = await withProbe(server.url, () =>
    runLoadChild<IngestLoadResult>(LOAD_CLIENT, {
      url: server.url,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      eventsPerRequest: EVENTS_PER_REQUEST,
      bodies: BODIES,
      seed: 1,
    } satisfies IngestLoadConfig),
  );
  const cpuAfterBurst = await server.cpuSeconds();
  const burstRss = server.rssPeakMiB;
  const burstAnon = server.anonPeakMiB;
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
    } satisfies IngestLoadConfig),
  );
  const cpuAfterSteady = await server.cpuSeconds();
  const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as { storage: { total_events: number } };
  const rss = server.rssPeakMiB;
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });

  const b = summarize(burstProbe);
  const s = summarize(steadyProbe);
  const distinct = Math.min(burst.ok, BODIES) * EVENTS_PER_REQUEST + Math.min(steady.ok, BODIES) * EVENTS_PER_REQUEST;
  const rows: Array<[string, string, string]> = [
    [
      'ingest rate (8 connections)',
      `${Math.round(burst.eventsPerSecond).toLocaleString()} events/s`,
      '>= 50,000 events/s',
    ],
    ['  POST latency p50 / p99', `${burst.latencyP50} / ${burst.latencyP99} ms`, ''],
    ['  non-2xx / errors', `${burst.non2xx} / ${burst.errors + burst.timeouts}`, '0 / 0'],
    ['  ingest-to-queryable p50', `${b.p50.toFixed(0)} ms`, ''],
    ['  ingest-to-queryable p99', `${b.p99.toFixed(0)} ms`, '<= 300 ms'],
    ['  server CPU per event', `${cpuMicros(cpuAfterBurst - cpuAtStart, burst)} us`, ''],
    [`steady rate achieved`, `${Math.round(steady.eventsPerSecond).toLocaleString()} events/s`, ''],
    ['  POST latency p50 / p99', `${steady.latencyP50} / ${steady.latencyP99} ms`, ''],
    ['  ingest-to-queryable p50', `${s.p50.toFixed(0)} ms`, ''],
    ['  ingest-to-queryable p99', `${s.p99.toFixed(0)} ms`, '<= 300 ms'],
    ['  server CPU per event', `${cpuMicros(cpuAfterSteady - cpuAfterBurst, steady)} us`, ''],
    [
      'events stored (stats)',
      stats.storage.total_events.toLocaleString(),
      `>= ${distinct.toLocaleString()} distinct sent`,
    ],
    ['peak RSS (throughput / all)', `${burstRss.toFixed(0)} / ${rss.toFixed(0)} MiB`, ''],
    ['  of it anonymous (not code)', `${burstAnon.toFixed(0)} / ${server.anonPeakMiB.toFixed(0)} MiB`, ''],
  ];
  console.log(
    `\nbench/standalone: ${burst.bodyBytesMean.toFixed(0)} B mean body, ${burst.resent} resent bodies, ${burstProbe.length + steadyProbe.length} probes`,
  );
  for (const [name, value, target] of rows) console.log(`${name.padEnd(30)} ${value.padStart(22)}   ${target}`);
}

/**
 * Server CPU (all threads: HTTP, validation, chdb inserts, merges, probe
 * queries) per event answered 2xx, in microseconds: on a shared machine it
 * varies less than the rate, and 2 cores / 50k events/s leaves 40. Merges
 * still running when a phase ends count in the next one.
 */
function cpuMicros(cpuSeconds: number, load: IngestLoadResult): string {
  return ((cpuSeconds * 1e6) / (load.ok * EVENTS_PER_REQUEST)).toFixed(1);
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
