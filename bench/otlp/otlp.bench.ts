/**
 * bench/otlp: OTLP/HTTP protobuf span ingest of standalone mode next to
 * /v1/events ingest of the equivalent wire events, in one run, on one server
 * (the built process on a fresh data directory, embedded ClickHouse).
 *
 *   npm run bench:otlp
 *   BENCH_SECONDS=10 npm run bench:otlp      # quicker
 *
 * Each phase posts 500-span requests (1000 wire events) over 8 connections as
 * fast as the server answers; a 2xx means stored durably on both paths, so
 * the rate of 2xx is the ingest rate. The /v1/events bodies are the events
 * the same spans map to. Target: OTLP >= 0.8x /v1/events. Prints figures;
 * asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProjects } from '@temporal-bridge/testing';

import { runLoadChild } from '../load-child';
import { ServiceChild } from '../service-child';
import type { OtlpLoadConfig, OtlpLoadResult } from './otlp-load-client';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);
const SPANS_PER_REQUEST = Number(process.env['BENCH_SPANS'] ?? 500);
const BODIES = Number(process.env['BENCH_BODIES'] ?? 200);
const LOAD_CLIENT = join(__dirname, 'otlp-load-client.ts');

async function phase(server: ServiceChild, path: OtlpLoadConfig['path'], offsetMs: number): Promise<OtlpLoadResult> {
  const cpuBefore = await server.cpuSeconds();
  const result = await runLoadChild<OtlpLoadResult>(LOAD_CLIENT, {
    url: server.url,
    path,
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    spansPerRequest: SPANS_PER_REQUEST,
    bodies: BODIES,
    startNs: String(BigInt(Date.now() - offsetMs) * 1_000_000n),
  } satisfies OtlpLoadConfig);
  const cpu = (await server.cpuSeconds()) - cpuBefore;
  const events = result.ok * result.eventsPerRequest;
  console.log(
    `${path.padEnd(11)} ${Math.round(result.eventsPerSecond).toLocaleString().padStart(9)} events/s` +
      ` ${Math.round(result.spansPerSecond).toLocaleString().padStart(8)} spans/s` +
      `  ${result.ok} x 2xx, ${result.non2xx} non-2xx, ${result.errors} errors` +
      `  p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms` +
      `  body ${Math.round(result.bodyBytesMean / 1024)} KiB` +
      `  server CPU ${events > 0 ? ((cpu / events) * 1e6).toFixed(1) : '-'} us/event`,
  );
  return result;
}

async function main(): Promise<void> {
  await buildProjects('services/standalone/tsconfig.app.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-otlp-'));
  const server = await ServiceChild.start('standalone', { DATA_DIR: dataDir }, '/readyz');
  try {
    console.log(
      `standalone ${server.url}: ${CONNECTIONS} connections, ${SPANS_PER_REQUEST} spans per request, ${SECONDS} s per phase`,
    );
    // Different time offsets: each phase stores spans of its own.
    const events = await phase(server, '/v1/events', 900_000);
    const otlp = await phase(server, '/v1/traces', 600_000);
    const ratio = events.eventsPerSecond > 0 ? otlp.eventsPerSecond / events.eventsPerSecond : 0;
    console.log(`OTLP/HTTP protobuf vs /v1/events (same events): ${ratio.toFixed(2)}x (target >= 0.8x)`);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
