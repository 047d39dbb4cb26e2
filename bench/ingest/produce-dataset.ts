import { serializeEvent } from '@temporal-bridge/event-schema';
import { Kafka, logLevel, type Message } from 'kafkajs';

import { SyntheticDataset, type DatasetOptions } from '../storage';

export interface ProduceFigures {
  events: number;
  bytes: number;
  seconds: number;
}

/**
 * Publishes the bench/storage synthetic fleet (deterministic, realistic mix)
 * as the SDK would: JSON values, key = trace id, acks=all, batches of 1000.
 */
export async function produceDataset(
  brokers: string[],
  topic: string,
  options: DatasetOptions,
): Promise<ProduceFigures> {
  const events = options.events;
  const dataset = new SyntheticDataset(options);
  const producer = new Kafka({ brokers, clientId: 'bench-producer', logLevel: logLevel.ERROR }).producer();
  await producer.connect();
  let bytes = 0;
  const started = performance.now();
  // Two sends in flight keep the broker busy without unbounded memory.
  const inFlight: Promise<unknown>[] = [];
  for (const batch of dataset.batches(1000)) {
    const messages: Message[] = batch.map((event) => {
      const value = JSON.stringify(serializeEvent(event));
      bytes += value.length;
      return { key: event.trace_id ?? event.correlation_id, value };
    });
    inFlight.push(producer.send({ topic, acks: -1, messages }));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return { events, bytes, seconds };
}
