/**
 * Storage benchmark: loads a deterministic synthetic fleet (10M events by
 * default) into embedded ClickHouse and times every Cinema primitive over
 * randomized calls. Prints figures; asserts nothing.
 *
 *   npm run bench:storage                       # 10M events, fresh directory in the temp dir
 *   BENCH_EVENTS=1000000 npm run bench:storage  # quick iteration
 *   BENCH_DATA_DIR=/data/bench BENCH_SKIP_LOAD=1 npm run bench:storage   # queries only, on a kept load
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TemporalStorage } from '@temporal-bridge/temporal-storage';

import { SyntheticDataset, type DatasetSample } from './dataset';
import { loadDataset, type LoadFigures } from './load';
import { runPrimitives, type PrimitiveResult, type QueryPlan } from './primitives';
import { renderReport } from './report';
import { waitForMerges } from './settle';

const env = (name: string, fallback: number): number => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};

const EVENTS = env('BENCH_EVENTS', 10_000_000);
const SEED = env('BENCH_SEED', 20261124);
const QUERIES = env('BENCH_QUERIES', 200);
const WARMUP = env('BENCH_WARMUP', 5);
const DATABASE = 'bench';
const META = 'bench-meta.json';
const HOUR_NS = 3_600_000_000_000n;

interface Meta {
  events: number;
  seed: number;
  startNs: string;
  endNs: string;
  samples: Array<Omit<DatasetSample, 'timestamp'> & { timestamp: string }>;
}

async function main(): Promise<void> {
  const given = process.env['BENCH_DATA_DIR'];
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'temporal-storage-bench-'));
  const keep = given !== undefined || process.env['BENCH_KEEP'] === '1';
  const skipLoad = process.env['BENCH_SKIP_LOAD'] === '1';
  console.log(`data directory: ${dataDir}${keep ? '' : ' (removed at the end; BENCH_KEEP=1 keeps it)'}`);

  const storage = await TemporalStorage.open({
    clickhouse: { kind: 'embedded', dataDir },
    database: DATABASE,
    retentionDays: 30,
    queryTimeoutMs: 60_000,
  });
  try {
    let load: LoadFigures | undefined;
    let meta: Meta;
    if (skipLoad) {
      meta = JSON.parse(readFileSync(join(dataDir, META), 'utf8')) as Meta;
      console.log(`reusing ${meta.events.toLocaleString('en-US')} events loaded earlier`);
    } else {
      // Recent, so that the 30-day retention keeps everything; ends before now.
      const startNs = BigInt(Date.now()) * 1_000_000n - 3n * HOUR_NS;
      const dataset = new SyntheticDataset({ events: EVENTS, seed: SEED, startNs });
      const loadOptions = {
        batchSize: env('BENCH_BATCH', 50_000),
        concurrency: env('BENCH_CONCURRENCY', 2),
        chunkSize: env('BENCH_CHUNK', 500_000),
      };
      console.log(
        `loading ${EVENTS.toLocaleString('en-US')} events (seed ${SEED}), insertEvents of ${loadOptions.batchSize} events, ` +
          `${loadOptions.concurrency} at a time...`,
      );
      load = await loadDataset(storage, dataset, {
        ...loadOptions,
        onProgress: (loaded, insertMs) => {
          if (loaded % 1_000_000 < loadOptions.chunkSize) {
            console.log(
              `  ${loaded.toLocaleString('en-US')} events, ${Math.round(loaded / (insertMs / 1000)).toLocaleString('en-US')} events/s`,
            );
          }
        },
      });
      const stats = await storage.getStats();
      meta = {
        events: load.events,
        seed: SEED,
        startNs: stats.oldest_timestamp!.toString(),
        endNs: stats.newest_timestamp!.toString(),
        samples: dataset.samples.map((s) => ({ ...s, timestamp: s.timestamp.toString() })),
      };
      writeFileSync(join(dataDir, META), JSON.stringify(meta));
    }

    const plan: QueryPlan = {
      startNs: BigInt(meta.startNs),
      endNs: BigInt(meta.endNs),
      astNodeIds: new SyntheticDataset({ events: 1, seed: SEED, startNs: 0n }).astNodeIds,
      samples: meta.samples.map((s) => ({ ...s, timestamp: BigInt(s.timestamp) })),
    };
    let duringMerges: PrimitiveResult[] | undefined;
    if (load !== undefined) {
      // Right after the load, background merges of millions of rows still run: measure once then...
      console.log(
        `querying while merges run: ${QUERIES} randomized calls per primitive after ${WARMUP} warm-up calls...`,
      );
      duringMerges = await runPrimitives(storage, plan, QUERIES, WARMUP, SEED, (r) =>
        console.log(`  ${r.name}: p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`),
      );
      // ...and once they are done: the steady state of a store that is not being bulk-loaded.
      const settledMs = await waitForMerges(dataDir, DATABASE, env('BENCH_SETTLE_MAX_MS', 600_000));
      console.log(`merges settled after ${(settledMs / 1000).toFixed(0)} s more`);
    }
    const statsStart = performance.now();
    const stats = await storage.getStats();
    const statsMs = performance.now() - statsStart;
    console.log(
      `stored: ${stats.total_events.toLocaleString('en-US')} events, ${(stats.bytes_on_disk / 2 ** 20).toFixed(0)} MiB on disk ` +
        `(${(stats.bytes_uncompressed / 2 ** 20).toFixed(0)} MiB uncompressed); getStats ${statsMs.toFixed(0)} ms`,
    );
    console.log(`querying: ${QUERIES} randomized calls per primitive after ${WARMUP} warm-up calls...`);
    const results = await runPrimitives(storage, plan, QUERIES, WARMUP, SEED, (r) =>
      console.log(`  ${r.name}: p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`),
    );
    console.log(`\n${renderReport(load, results, duringMerges)}`);
  } finally {
    await storage.close();
    if (!keep && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
