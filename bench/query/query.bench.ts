// Latency of every query route through HTTP, next to the raw storage call for
// the same question in the same run, and requests/s at 50 connections on the
// by-correlation route, on bench/storage's deterministic fleet. Not a test: it prints.
//
// Run: npm run bench:query
//   BENCH_EVENTS      events in the dataset (default 10,000,000; e.g. 200000 for a quick run)
//   BENCH_DATA_DIR    embedded ClickHouse directory (default tmp/bench-query-<events>); loaded once, reused
//   BENCH_ITERATIONS  timed requests per route (default 400), each with a raw call beside it
//   BENCH_LOAD_SECONDS duration of the 50-connection run (default 20)
import { fork } from 'node:child_process';
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
import { ReplayStorage } from './replay-storage';
import { formatTable, LatencySamples, ms, timed } from './latency';
import { routeCases, type QuerySample, type RouteCase } from './route-cases';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 10_000_000);
const DATA_DIR = process.env['BENCH_DATA_DIR'] ?? join('tmp', `bench-query-${EVENTS}`);
const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 400);
const WARMUP = 30;
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 20);
const CONNECTIONS = 50;
const TARGET_OVERHEAD_MS = 2;
const TARGET_RPS = 2000;

interface RouteResult {
  route: string;
  raw: LatencySamples;
  http: LatencySamples;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${EVENTS.toLocaleString('en')} events in ${DATA_DIR}`);
  const storage = await TemporalStorage.open({
    clickhouse: { kind: 'embedded', dataDir: DATA_DIR },
    database: 'bench',
    // The dataset has fixed timestamps; a TTL would delete it at the next merge.
    retentionDays: 0,
  });
  await ensureDataset(storage, EVENTS);
  const samples = await harvestSamples(storage, 2000);
  const byCorrelation = routeCases.find((c) => c.route.startsWith('GET /v1/correlations'))!;
  const paths = samples.map((s) => byCorrelation.path(s));

  const app = await startApi(storage);
  const url = await app.getUrl();
  const pool = new Pool(url, { connections: 1 });
  const results: RouteResult[] = [];
  for (const routeCase of routeCases) results.push(await measureRoute(routeCase, samples, storage, pool));
  printLatencies(results);
  await pool.close();

  console.log(`
GET /v1/correlations/{id}/events, ${CONNECTIONS} concurrent, ${LOAD_SECONDS} s each`);
  const http = await loadTest(url, paths);
  await app.close();
  const raw = await rawThroughput(storage, byCorrelation, samples);
  // The same route with storage answering instantly (pages recorded above): the service's own ceiling.
  const replay = await ReplayStorage.record(
    storage,
    samples.map((s) => s.correlation_id),
    DEFAULT_QUERY_LIMITS.defaultLimit,
  );
  const replayApp = await startApi(replay);
  const layer = await loadTest(await replayApp.getUrl(), paths);
  await replayApp.close();
  printThroughput(raw, http, layer);
  printChecks(results, http);
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

/** Alternates raw and HTTP calls on the same random samples, so drift affects both alike. */
async function measureRoute(
  routeCase: RouteCase,
  samples: QuerySample[],
  storage: QueryStorage,
  pool: Pool,
): Promise<RouteResult> {
  const usable = samples.filter((s) => routeCase.applies(s));
  const raw = new LatencySamples();
  const http = new LatencySamples();
  for (let i = 0; i < WARMUP + ITERATIONS; i += 1) {
    const sample = usable[(i * 7919) % usable.length]!;
    const rawMs = await timed(() => routeCase.raw(storage, sample));
    const httpMs = await timed(async () => {
      const response = await pool.request({ method: 'GET', path: routeCase.path(sample) });
      const body = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${routeCase.route}: ${response.statusCode} ${body}`);
    });
    if (i < WARMUP) continue;
    raw.add(rawMs);
    http.add(httpMs);
  }
  return { route: routeCase.route, raw, http };
}

function printLatencies(results: RouteResult[]): void {
  console.log(`\nlatency, ms (${ITERATIONS} requests per route, one at a time, after ${WARMUP} warm-up)`);
  const rows = results.map(({ route, raw, http }) => [
    route,
    ms(raw.percentile(50)),
    ms(raw.percentile(99)),
    ms(http.percentile(50)),
    ms(http.percentile(99)),
    ms(http.percentile(50) - raw.percentile(50)),
  ]);
  console.log(formatTable(['route', 'raw p50', 'raw p99', 'HTTP p50', 'HTTP p99', 'overhead p50'], rows));
}

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50: number;
  latencyP99: number;
}

/** autocannon in a child process (it must not share the server's event loop). */
async function loadTest(url: string, paths: string[]): Promise<LoadResult> {
  const config = JSON.stringify({ url, paths, connections: CONNECTIONS, durationSeconds: LOAD_SECONDS });
  const child = fork(join(__dirname, 'load-client.ts'), [config], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load client exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
}

/** The raw storage call from CONNECTIONS concurrent callers in this process: storage's own ceiling. */
async function rawThroughput(storage: QueryStorage, routeCase: RouteCase, samples: QuerySample[]): Promise<number> {
  const deadline = Date.now() + LOAD_SECONDS * 1000;
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        await routeCase.raw(storage, samples[next++ % samples.length]!);
        done += 1;
      }
    }),
  );
  return done / LOAD_SECONDS;
}

function printThroughput(raw: number, http: LoadResult, layer: LoadResult): void {
  const row = (what: string, rps: number, load?: LoadResult): string[] => [
    what,
    rps.toFixed(0),
    load === undefined ? '-' : String(load.latencyP50),
    load === undefined ? '-' : String(load.latencyP99),
    load === undefined ? '-' : String(load.non2xx + load.errors + load.timeouts),
  ];
  console.log(
    formatTable(
      ['', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
      [
        row('raw storage call, in-process', raw),
        row('HTTP, end to end', http.requestsPerSecond, http),
        row('HTTP, storage answers replayed', layer.requestsPerSecond, layer),
      ],
    ),
  );
}

function printChecks(results: RouteResult[], load: LoadResult): void {
  console.log('\ntargets');
  const overheadOf = (r: RouteResult) => r.http.percentile(50) - r.raw.percentile(50);
  const worst = results.reduce((a, b) => (overheadOf(b) > overheadOf(a) ? b : a));
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  HTTP overhead over the raw call, p50, worst route (${worst.route}): ${ms(overheadOf(worst))} ms ` +
      `(target <= ${TARGET_OVERHEAD_MS} ms): ${verdict(overheadOf(worst) <= TARGET_OVERHEAD_MS)}`,
  );
  const failed = load.non2xx + load.errors + load.timeouts;
  console.log(
    `  by-correlation at ${CONNECTIONS} connections: ${load.requestsPerSecond.toFixed(0)} req/s, ${failed} failed ` +
      `(target >= ${TARGET_RPS}): ${verdict(load.requestsPerSecond >= TARGET_RPS && failed === 0)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
