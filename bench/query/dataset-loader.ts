import type { TemporalStorage } from '@temporal-bridge/temporal-storage';

import { SyntheticDataset } from '../storage/dataset';
import type { QuerySample } from './route-cases';

/** bench/storage's fleet, at a fixed start so the same data dir serves every run. */
const START_NS = BigInt(Date.UTC(2026, 0, 5, 9)) * 1_000_000n;
const BATCH = 20_000;

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
  const started = Date.now();
  let loaded = 0;
  // Two inserts in flight: one is encoded while ClickHouse writes the other.
  let inFlight: Promise<void> = Promise.resolve();
  for (const batch of dataset.batches(BATCH)) {
    const previous = inFlight;
    inFlight = storage.insertEvents(batch);
    await previous;
    loaded += batch.length;
    if (loaded % 1_000_000 < BATCH) {
      const rate = loaded / ((Date.now() - started) / 1000);
      console.log(`  loaded ${loaded.toLocaleString('en')} events (${Math.round(rate).toLocaleString('en')}/s)`);
    }
  }
  await inFlight;
  console.log(`  loaded ${events.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
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
