import { serializeEvent } from '@temporal-bridge/event-schema';
import { Kafka, logLevel, type Message } from 'kafkajs';

import { SyntheticDataset } from '../storage';
import type { OffsetWatcher } from './offset-watcher';

interface Pending {
  lastOffset: bigint;
  events: number;
  sentAt: number;
}

/**
 * Ingest-to-queryable latency at a steady rate. The bridge commits an offset
 * only once the events before it are durably in ClickHouse, so the time from
 * a send to the commit passing its offset bounds when the event became
 * queryable from above: it adds the bridge's commit round trip and this
 * bench's resolution. Committed offsets are polled back to back (no sleep
 * between fetches: a fixed interval would add up to itself to every figure),
 * and an event counts as settled when the first answer showing its offset
 * arrives; `pollMs` (the time of one fetchOffsets round trip) is that
 * resolution.
 */
export async function steadyLatency(options: {
  brokers: string[];
  topic: string;
  partitions: number;
  groupId: string;
  watcher: OffsetWatcher;
  eventsPerSecond: number;
  seconds: number;
}): Promise<{ latenciesMs: number[]; pollMs: number[]; sent: number; achievedRate: number }> {
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((options.eventsPerSecond * tickMs) / 1000));
  const total = perTick * Math.round((options.seconds * 1000) / tickMs);
  const dataset = new SyntheticDataset({
    events: total,
    startNs: BigInt(Date.now()) * 1_000_000n,
    seed: 7,
    spanNs: BigInt(options.seconds) * 1_000_000_000n,
  });
  const producer = new Kafka({
    brokers: options.brokers,
    clientId: 'bench-steady',
    logLevel: logLevel.ERROR,
  }).producer();
  await producer.connect();

  // Per partition, sends in offset order: a commit settles a prefix of them.
  const pending = new Map<number, Pending[]>();
  let pendingCount = 0;
  const latenciesMs: number[] = [];
  const pollMs: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || pendingCount > 0) {
      const asked = performance.now();
      const committed = await options.watcher.committed(options.groupId, options.topic);
      const now = performance.now();
      pollMs.push(now - asked);
      for (const [partition, queue] of pending) {
        const offset = committed.get(partition) ?? -1n;
        let settled = 0;
        while (settled < queue.length && offset > queue[settled]!.lastOffset) {
          const p = queue[settled]!;
          for (let n = 0; n < p.events; n += 1) latenciesMs.push(now - p.sentAt);
          settled += 1;
        }
        queue.splice(0, settled);
        pendingCount -= settled;
      }
      // Yield to the producer loop between polls, no more.
      await new Promise((r) => setImmediate(r));
    }
  })();

  const started = performance.now();
  let tick = 0;
  let sent = 0;
  for (const batch of dataset.batches(perTick)) {
    const byPartition = new Map<number, Message[]>();
    for (const event of batch) {
      const key = event.trace_id ?? event.correlation_id;
      const partition = hash(key) % options.partitions;
      const list = byPartition.get(partition) ?? [];
      list.push({ key, value: JSON.stringify(serializeEvent(event)), partition });
      byPartition.set(partition, list);
    }
    const sentAt = performance.now();
    const metadata = await producer.send({
      topic: options.topic,
      acks: -1,
      messages: [...byPartition.values()].flat(),
    });
    for (const record of metadata) {
      const count = byPartition.get(record.partition)?.length ?? 0;
      const queue = pending.get(record.partition) ?? [];
      queue.push({ lastOffset: BigInt(record.baseOffset ?? '0') + BigInt(count - 1), events: count, sentAt });
      pending.set(record.partition, queue);
      pendingCount += 1;
    }
    sent += batch.length;
    tick += 1;
    const wait = started + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const achievedRate = sent / ((performance.now() - started) / 1000);
  const deadline = performance.now() + 60_000;
  while (pendingCount > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  polling = false;
  pending.clear();
  pendingCount = 0;
  await poller;
  await producer.disconnect();
  return { latenciesMs, pollMs, sent, achievedRate };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
