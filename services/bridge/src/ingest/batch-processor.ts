import type { SubmitReject, TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';

import type { BridgeMetrics } from '../metrics/bridge-metrics';
import type { DeadLetterProducer } from './dead-letter.producer';
import { keepAlive } from './keep-alive';
import { KeptMessages } from './kept-messages';
import type { OffsetCommitter } from './offset-committer';

/**
 * One Kafka batch (one partition) through the bridge, with the delivery
 * guarantee of docs/architecture.md: the offset is committed only after every
 * valid event of the batch is durably in ClickHouse and every invalid one is
 * acknowledged by the dead-letter topic. Nothing is committed otherwise, so a
 * crash anywhere replays the batch; replays duplicate nothing because events
 * without an event_id get a deterministic one (`kafka:topic/partition/offset`)
 * and a missing timestamp becomes the message's own timestamp.
 *
 * A valid event that ClickHouse refuses for its data is dead-lettered too
 * (problem field "(storage)", ClickHouse's reason), by the flusher's
 * isolation, before the batch counts as stored.
 *
 * A batch ends once its events are buffered (the bridge's bounded buffer
 * makes it wait when full) and its invalid messages dead-lettered; the
 * OffsetCommitter commits it when the bridge has stored it. So the consumer
 * keeps reading while a write is in progress, and many small batches are
 * written in one insert.
 */
export class BatchProcessor {
  constructor(
    private readonly bridge: TemporalBridge,
    private readonly deadLetters: DeadLetterProducer,
    private readonly committer: OffsetCommitter,
    private readonly metrics: BridgeMetrics,
    private readonly heartbeatIntervalMs: number,
    private readonly logger?: Logger,
  ) {}

  /** Set at shutdown's deadline: batches still waiting give up, uncommitted. */
  private readonly giveUp = new AbortController();
  private readonly active = new Set<Promise<void>>();

  abortWaiting(): void {
    this.giveUp.abort(new Error('shutting down: batch left uncommitted, it will be consumed again'));
  }

  /** Aborted at shutdown's deadline. */
  get shutdownSignal(): AbortSignal {
    return this.giveUp.signal;
  }

  /** Resolves when no batch is being processed. */
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
    const { batch } = payload;
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return;
    const alive = <T>(work: Promise<T>): Promise<T> =>
      keepAlive(work, () => payload.heartbeat(), this.heartbeatIntervalMs, this.giveUp.signal);
    this.metrics.consumed.inc(messages.length);
    const result = await alive(
      this.bridge.submit(
        messages.map((m) => m.value),
        {
          raw: true,
          fallbackEventId: (i) => `kafka:${topic}/${partition}/${messages[i]!.offset}`,
          receivedAt: (i) => BigInt(messages[i]!.timestamp) * 1_000_000n,
          // Valid events ClickHouse refuses (isolated by the flusher) are
          // dead-lettered before the offset that covers them is committed.
          onStorageReject: this.storageRejectHandler(topic, partition, new KeptMessages(messages)),
        },
      ),
    );
    if (result.rejected.length > 0) {
      await alive(
        this.deadLetters.send(
          result.rejected.map(({ index, problems }) => ({ topic, partition, message: messages[index]!, problems })),
        ),
      );
      this.metrics.deadLettered.inc(result.rejected.length);
    }

    // The partition moved to another member meanwhile: it re-reads from the
    // last commit. Committing for it could fight with the new owner.
    if (!payload.isRunning() || payload.isStale()) return;
    const last = messages[messages.length - 1]!.offset;
    payload.resolveOffset(last);
    this.committer.track(topic, partition, BigInt(last) + 1n, result.ticket);
    this.metrics.consumerLag.set({ topic, partition: String(partition) }, Number(batch.offsetLag()));
  }

  /**
   * The storage-reject handler of one batch. It lives until the batch is
   * stored, so it is made here, not inside processBatch: closures of one
   * scope share V8's context, and one made there would keep `payload` and
   * the kafkajs messages (slices of the whole fetch response, with every
   * other partition's) alive through the other closures' variables. It holds
   * a copy of what dead-lettering needs instead.
   */
  private storageRejectHandler(
    topic: string,
    partition: number,
    kept: KeptMessages,
  ): (rejects: SubmitReject[]) => Promise<void> {
    return async (rejects) => {
      await this.deadLetters.send(
        rejects.map(({ index, reason }) => ({
          topic,
          partition,
          message: kept.message(index),
          problems: [{ field: '(storage)', reason }],
        })),
      );
      this.metrics.deadLettered.inc(rejects.length);
      this.logger?.warn(
        {
          topic,
          partition,
          offsets: rejects.map(({ index }) => kept.offset(index)),
          reason: rejects[0]!.reason,
        },
        `ClickHouse refused ${rejects.length} event(s); dead-lettered, the rest of the batch is stored`,
      );
    };
  }
}
