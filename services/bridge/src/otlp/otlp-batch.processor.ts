import type { EventProblem, WireEventInput } from '@temporal-bridge/event-schema';
import type { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { EachBatchPayload } from 'kafkajs';

import type { DeadLetterProducer, DeadLetterSource } from '../ingest/dead-letter.producer';
import { keepAlive } from '../ingest/keep-alive';
import type { OffsetCommitter } from '../ingest/offset-committer';
import type { OtlpKafkaMetrics } from './otlp-kafka.metrics';
import { decodeOtlpMessage, type OtlpKafkaEncoding } from './otlp-message.decoder';

/**
 * One Kafka batch of OTLP messages through the bridge, with the native
 * topic's guarantee: the offset is committed only once every event of the
 * batch is durably stored and every message with a problem is acknowledged
 * by the dead-letter topic. A message can hold spans that were stored and
 * spans that were not: it is dead-lettered whole, with the reasons; replaying
 * it duplicates nothing (event ids derive from trace and span ids). Events
 * ClickHouse itself refuses dead-letter their message the same way, before
 * the batch counts as stored.
 */
export class OtlpBatchProcessor {
  private readonly giveUp = new AbortController();
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly bridge: TemporalBridge,
    private readonly deadLetters: DeadLetterProducer,
    private readonly committer: OffsetCommitter,
    private readonly metrics: OtlpKafkaMetrics,
    private readonly options: { encoding: OtlpKafkaEncoding; maxDataBytes: number; heartbeatIntervalMs: number },
  ) {}

  abortWaiting(): void {
    this.giveUp.abort(new Error('shutting down: batch left uncommitted, it will be consumed again'));
  }

  get shutdownSignal(): AbortSignal {
    return this.giveUp.signal;
  }

  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  process(payload: EachBatchPayload): Promise<void> {
    const work = this.processBatch(payload);
    this.active.add(work);
    void work.finally(() => this.active.delete(work)).catch(() => undefined);
    return work;
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    if (messages.length === 0) return;
    const alive = <T>(work: Promise<T>): Promise<T> =>
      keepAlive(work, () => payload.heartbeat(), this.options.heartbeatIntervalMs, this.giveUp.signal);
    this.metrics.messages.inc(messages.length);

    const events: WireEventInput[] = [];
    const messageOfEvent: number[] = [];
    const problems = new Map<number, EventProblem[]>();
    messages.forEach((message, index) => {
      const decoded = decodeOtlpMessage(message.value, this.options.encoding, this.options.maxDataBytes);
      for (const event of decoded.events) {
        events.push(event);
        messageOfEvent.push(index);
      }
      if (decoded.problems.length > 0) problems.set(index, decoded.problems);
    });
    const result = await alive(
      this.bridge.submit(events, {
        // Events ClickHouse refuses for their data (isolated by the flusher):
        // their message is dead-lettered before the offset covering it is committed.
        onStorageReject: async (rejects) => {
          const byMessage = new Map<number, EventProblem[]>();
          for (const { index, reason } of rejects) {
            const message = messageOfEvent[index]!;
            byMessage.set(message, [
              ...(byMessage.get(message) ?? []),
              { field: `(storage) event ${String(events[index]?.event_id)}`, reason },
            ]);
          }
          await this.deadLetters.send(
            [...byMessage].map(([index, list]) => ({ topic, partition, message: messages[index]!, problems: list })),
          );
          this.metrics.deadLettered.inc(byMessage.size);
          this.metrics.eventsRejected.inc(rejects.length);
        },
      }),
    );
    for (const { index, problems: refused } of result.rejected) {
      const message = messageOfEvent[index]!;
      const list = problems.get(message) ?? [];
      list.push(
        ...refused.map((p) => ({ field: `event ${String(events[index]?.event_id)}: ${p.field}`, reason: p.reason })),
      );
      problems.set(message, list);
    }
    this.metrics.events.inc(result.accepted.length);
    this.metrics.eventsRejected.inc(result.rejected.length);
    if (problems.size > 0) {
      const letters: DeadLetterSource[] = [...problems].map(([index, list]) => ({
        topic,
        partition,
        message: messages[index]!,
        problems: list,
      }));
      await alive(this.deadLetters.send(letters));
      this.metrics.deadLettered.inc(letters.length);
    }

    if (!payload.isRunning() || payload.isStale()) return;
    const last = messages[messages.length - 1]!.offset;
    payload.resolveOffset(last);
    this.committer.track(topic, partition, BigInt(last) + 1n, result.ticket);
  }
}
