import type { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';

interface Stored {
  topic: string;
  partition: number;
  /** The next offset to read: one past the last stored message. */
  offset: bigint;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Commits a partition's offset once the events before it are durably stored,
 * without holding the partition's next fetch until then: batches are
 * buffered, the consumer reads on, and the bridge writes what arrived
 * meanwhile in one insert (ClickHouse pays per insert, not per row). Offsets
 * that became stored together go to Kafka in one commit request.
 *
 * The delivery guarantee is unchanged: an offset is committed only after
 * every event before it is stored (tickets are stored in order), so a crash
 * or a rebalance at any point re-reads from an offset whose events are all
 * stored or not yet read, and storage deduplicates by event_id.
 */
export class OffsetCommitter {
  private readonly ready = new Map<string, Stored>();
  private readonly waiting = new Set<Promise<void>>();
  private committing: Promise<void> | undefined;
  /** Partitions this member owns (from the last group join); undefined before the first. */
  private owned: Set<string> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly bridge: TemporalBridge,
    private readonly logger: Logger,
  ) {}

  /** Commit `nextOffset` for the partition once everything submitted before `ticket` is stored. */
  track(topic: string, partition: number, nextOffset: bigint, ticket: number): void {
    const wait = this.bridge.waitUntilStored(ticket).then(
      () => this.markStored({ topic, partition, offset: nextOffset }),
      // Only if the bridge stopped before storing them: left uncommitted, read again.
      () => undefined,
    );
    this.waiting.add(wait);
    void wait.finally(() => this.waiting.delete(wait));
  }

  /**
   * The group's new assignment: stored offsets of partitions that moved to
   * another member are not committed (the new owner reads them again from the
   * last commit; committing behind it would only make it re-read more).
   */
  assigned(assignment: Record<string, number[]>): void {
    this.owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p))),
    );
    for (const k of this.ready.keys()) if (!this.owned.has(k)) this.ready.delete(k);
  }

  /**
   * Resolves once every tracked offset is stored and committed, or when
   * `signal` aborts (shutdown's deadline: what is left stays uncommitted).
   */
  async drain(signal?: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) => {
      if (signal?.aborted === true) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    while (signal?.aborted !== true && (this.waiting.size > 0 || this.ready.size > 0 || this.committing)) {
      this.kick();
      await Promise.race([Promise.all([...this.waiting, this.committing]), aborted]);
    }
  }

  private markStored(stored: Stored): void {
    const k = key(stored.topic, stored.partition);
    if (this.owned !== undefined && !this.owned.has(k)) return;
    const previous = this.ready.get(k);
    if (previous === undefined || previous.offset < stored.offset) this.ready.set(k, stored);
    this.kick();
  }

  /** One commit request at a time, carrying every offset stored meanwhile. */
  private kick(): void {
    if (this.committing !== undefined || this.ready.size === 0) return;
    const batch = [...this.ready.values()];
    this.ready.clear();
    this.committing = this.consumer
      .commitOffsets(batch.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })))
      .catch((error: unknown) => {
        // A rebalance or a broker outage: the events are stored, the next
        // owner of each partition reads them again from the last commit.
        this.logger.warn(
          { err: error, partitions: batch.length },
          'offset commit failed; those partitions re-read from their last commit',
        );
      })
      .finally(() => {
        this.committing = undefined;
        this.kick();
      });
  }
}
