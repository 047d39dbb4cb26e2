// Latency of every query route through HTTP, next to the raw storage call for
// the same question in the same run, and requests/s at 50 connections on the
// by-correlation route, on bench/storage's deterministic fleet. Not a test: it prints.
//
// Run: npm run bench:query
//   BENCH_EVENTS        events in the dataset (default 10,000,000; e.g. 200000 for a quick run)
//   BENCH_DATA_DIR      embedded ClickHouse directory (default tmp/bench-query-<events>); loaded once, reused
//   BENCH_ITERATIONS    timed requests per route (default 300), each with a raw call beside it
//   BENCH_LOAD_SECONDS  duration of each 50-connection run (default 20)
import { join } from 'node:path';

import { Module } from '@nestjs/common';
import {
  configureQueryApp,
  createApiFastifyApp,
  DEFAULT_QUERY_LIMITS,
  QueryApiModule,
  TEMPORAL_STORAGE,
  type QueryStorage,
} from '@temporal-bridge/query';
import { createLogger, MetricsModule } from '@temporal-bridge/service-kit';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { Pool } from 'undici';

import { ensureDataset, harvestSamples } from './dataset-loader';
import { ms } from './latency';
import { AnswerRecorder } from './replay-storage';
import { routeCases } from './route-cases';
import { differenceOf, latencyTable, measureRoute, type RouteLatency } from './route-latency';
import { httpThroughput, rawThroughput, throughputTable, type LoadResult } from './throughput';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 10_000_000);
const DATA_DIR = process.env['BENCH_DATA_DIR'] ?? join('tmp', `bench-query-${EVENTS}`);
const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 300);
const WARMUP = 20;
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 20);
const CONNECTIONS = 50;
const TARGET_OVERHEAD_MS = 2;
const TARGET_RPS = 2000;

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${EVENTS.toLocaleString('en')} events in ${DATA_DIR}`);
  const storage = await TemporalStorage.open({
    clickhouse: { kind: 'embedded', dataDir: DATA_DIR },
    database: 'bench',
    // The dataset has fixed timestamps; a TTL would delete it at the next merge.
    retentionDays: 0,
    queryTimeoutMs: 60_000,
  });
  await ensureDataset(storage, EVENTS);
  const samples = await harvestSamples(storage, 2000);
  const byCorrelation = routeCases[0]!;
  const paths = samples.map((s) => byCorrelation.path(s));

  const recorder = new AnswerRecorder();
  const app = await startApi(storage);
  const replayApp = await startApi(recorder.replaying());
  const api = new Pool(await app.getUrl(), { connections: 1 });
  const replayApi = new Pool(await replayApp.getUrl(), { connections: 1 });
  const targets = { storage: recorder.recording(storage), api, replayApi };
  const results: RouteLatency[] = [];
  for (const routeCase of routeCases) {
    results.push(await measureRoute(routeCase, samples, targets, ITERATIONS, WARMUP));
  }
  await Promise.all([api.close(), replayApi.close()]);
  console.log(`\nlatency, ms (${ITERATIONS} requests per route and column, one at a time, after ${WARMUP} warm-up)`);
  console.log('  raw: the storage call; HTTP: the route; service: the route served the recorded answer at once');
  console.log(latencyTable(results));

  console.log(`\n${byCorrelation.route}, ${CONNECTIONS} concurrent, ${LOAD_SECONDS} s each`);
  // Every sample's answer, so that the replayed run below has one for each path.
  for (const sample of samples) await byCorrelation.raw(targets.storage, sample);
  const http = await httpThroughput(await app.getUrl(), paths, CONNECTIONS, LOAD_SECONDS);
  await app.close();
  const raw = await rawThroughput(storage, byCorrelation, samples, CONNECTIONS, LOAD_SECONDS);
  // The same route served the recorded answers at once: the service's own ceiling.
  const replayed = await httpThroughput(await replayApp.getUrl(), paths, CONNECTIONS, LOAD_SECONDS);
  await replayApp.close();
  console.log(throughputTable(raw, http, replayed));

  printTargets(results, http);
  await storage.close();
}

/**
 * The query service's API module with its metrics, as createQueryApp builds
 * it, minus service-kit's health module: tsx (esbuild) emits no decorator
 * metadata, which that module's controller needs; /v1 routes do not.
 */
async function startApi(storage: Partial<QueryStorage>) {
  @Module({
    imports: [
      MetricsModule.forRoot({ prefix: 'tb_query_' }),
      QueryApiModule.forRoot({
        apiKeys: [],
        queryTimeoutMs: 60_000,
        limits: DEFAULT_QUERY_LIMITS,
        metricsPrefix: 'tb_query_',
        providers: [{ provide: TEMPORAL_STORAGE, useValue: storage }],
      }),
    ],
  })
  class BenchApiModule {}
  const app = await createApiFastifyApp(BenchApiModule, { logger: createLogger('bench-query', 'warn') });
  configureQueryApp(app, { corsOrigins: [] });
  await app.listen(0, '127.0.0.1');
  return app;
}

function printTargets(results: RouteLatency[], load: LoadResult): void {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const byService = (r: RouteLatency) => r.service.percentile(50);
  const worst = results.reduce((a, b) => (byService(b) > byService(a) ? b : a));
  const worstDifference = results.reduce((a, b) => (differenceOf(b) > differenceOf(a) ? b : a));
  const failed = load.non2xx + load.errors + load.timeouts;
  console.log('\ntargets');
  console.log(
    `  HTTP overhead p50 (service column), worst route (${worst.route}): ${ms(byService(worst))} ms ` +
      `(target <= ${TARGET_OVERHEAD_MS} ms): ${verdict(byService(worst) <= TARGET_OVERHEAD_MS)}`,
  );
  console.log(
    `  HTTP p50 - raw p50, worst route (${worstDifference.route}): ${ms(differenceOf(worstDifference))} ms ` +
      `(target <= ${TARGET_OVERHEAD_MS} ms): ${verdict(differenceOf(worstDifference) <= TARGET_OVERHEAD_MS)}`,
  );
  console.log(
    `  by-correlation at ${CONNECTIONS} connections: ${load.requestsPerSecond.toFixed(0)} req/s, ${failed} failed ` +
      `(target >= ${TARGET_RPS}): ${verdict(load.requestsPerSecond >= TARGET_RPS && failed === 0)}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
