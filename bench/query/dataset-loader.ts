import type { TemporalStorage } from '@temporal-bridge/temporal-storage';

import { loadDataset, SyntheticDataset } from '../storage';
import type { QuerySample } from './route-cases';

/** bench/storage's fleet (its default seed), at a fixed start so the same data dir serves every run. */
const START_NS = BigInt(Date.UTC(2026, 0, 5, 9)) * 1_000_000n;

/**
 * Makes sure storage holds bench/storage's deterministic dataset of `events`
 * events: loads it into an empty database (minutes for 10M), accepts one
 * already loaded, refuses a database holding something else.
 */
export async function ensureDataset(storage: TemporalStorage, events: number): Promise<void> {
  const { total_events } = await storage.getStats();
  if (total_events === events) return;
  if (total_events !== 0) {
    throw new Error(`the data dir holds ${total_events} events, not ${events}: delete it or set BENCH_DATA_DIR`);
  }
  const dataset = new SyntheticDataset({ events, startNs: START_NS });
  console.log(`  loading ${events.toLocaleString('en')} events with bench/storage's loader...`);
  // bench/storage's own settings: 10k-event inserts, two in flight, generated 200k at a time.
  const figures = await loadDataset(storage, dataset, {
    batchSize: 10_000,
    concurrency: 2,
    chunkSize: 200_000,
    onProgress: (loaded) => {
      if (loaded % 1_000_000 === 0) console.log(`  ${loaded.toLocaleString('en')} events`);
    },
  });
  console.log(
    `  loaded in ${(figures.wallMs / 1000).toFixed(0)} s (inserting: ${(figures.insertMs / 1000).toFixed(0)} s)`,
  );
}

/**
 * Events to draw benchmark questions from, spread evenly over the dataset's
 * time span (the first event at or after each of `count` instants), the same
 * for every run on the same data.
 */
export async function harvestSamples(storage: TemporalStorage, count: number): Promise<QuerySample[]> {
  const { oldest_timestamp, newest_timestamp } = await storage.getStats();
  if (oldest_timestamp === null || newest_timestamp === null) throw new Error('the dataset is empty');
  const span = newest_timestamp - oldest_timestamp;
  const samples: QuerySample[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = oldest_timestamp + (span * BigInt(i)) / BigInt(count);
    const { events } = await storage.getEventsInRange(at, at + 10_000_000_000n, { limit: 1 });
    const event = events[0];
    if (event === undefined) continue;
    samples.push({
      event_id: event.event_id,
      timestamp: event.timestamp,
      correlation_id: event.correlation_id,
      trace_id: event.trace_id,
      ast_node_id: event.ast_node_id,
      service: event.service,
    });
  }
  return samples;
}
