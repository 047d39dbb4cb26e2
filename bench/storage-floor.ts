// The storage floor of an ingest bench: the same events, encoded once before
// the clock starts, stored by TemporalStorage alone (embedded, a fresh data
// directory, the services' own chdb settings) in batches of the size the
// service wrote. What is left is ClickHouse's cost of taking the rows, so the
// service's end-to-end rate is reported as a ratio of this one. A process of
// its own (chdb binds one data directory per process); started through
// runLoadChild, it prints its figures as JSON on the last line of stdout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TemporalStorage, type EncodedEvents } from '@temporal-bridge/temporal-storage';

import { runLoadChild } from './load-child';
import { MemorySampler, type MemoryPeaks } from './memory-sampler';
import { SyntheticDataset } from './storage';
import { nodeOwnThreads, snapshotCpu, splitCpu, type CpuSplit } from './thread-cpu';

export interface StorageFloorConfig {
  /** The dataset the service was given (bench/storage SyntheticDataset options; bigints as decimal strings). */
  dataset: { events: number; startNs: string; spanNs: string; seed?: number };
  /** Events to insert: more than dataset.events cycles through its batches again (resent bodies). */
  events: number;
  /** Events per INSERT, as the service flushed them. */
  batchSize: number;
  /** INSERTs in flight at once (the service's FLUSH_CONCURRENCY). */
  concurrency: number;
}

export interface StorageFloorResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpu: CpuSplit;
  memory: MemoryPeaks;
}

/** Runs the floor in a child process and returns its figures. */
export async function storageFloor(config: StorageFloorConfig): Promise<StorageFloorResult> {
  const result = await runLoadChild<
    Omit<StorageFloorResult, 'cpu'> & { cpu: Omit<CpuSplit, 'byClass'> & { byClass: Array<[string, number]> } }
  >(__filename, config);
  return { ...result, cpu: { ...result.cpu, byClass: new Map(result.cpu.byClass) } };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as StorageFloorConfig;
  const dataset = new SyntheticDataset({
    events: config.dataset.events,
    startNs: BigInt(config.dataset.startNs),
    spanNs: BigInt(config.dataset.spanNs),
    ...(config.dataset.seed === undefined ? {} : { seed: config.dataset.seed }),
  });
  const encoded: EncodedEvents[] = [];
  for (const batch of dataset.batches(config.batchSize)) encoded.push(TemporalStorage.encodeEvents(batch));

  const dataDir = await mkdtemp(join(tmpdir(), 'bench-floor-'));
  const storage = await TemporalStorage.open({ clickhouse: { kind: 'embedded', dataDir } });
  // Node's own threads, counted in a bare node: tsx's loader starts libuv's pool and its hooks
  // thread before any of this runs, and both come after Node's own threads.
  const nodeThreads = nodeOwnThreads();
  const memory = new MemorySampler(process.pid);
  const before = snapshotCpu(process.pid);
  const started = performance.now();
  let next = 0;
  let inserted = 0;
  const worker = async (): Promise<void> => {
    while (inserted < config.events) {
      const batch = encoded[next % encoded.length]!;
      next += 1;
      inserted += batch.rows;
      await storage.insertEncoded(batch);
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = splitCpu(process.pid, before, snapshotCpu(process.pid), nodeThreads);
  const peaks = memory.peaks();
  memory.stop();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
  const out = {
    events: inserted,
    seconds,
    eventsPerSecond: inserted / seconds,
    cpu: { ...cpu, byClass: [...cpu.byClass] },
    memory: peaks,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
