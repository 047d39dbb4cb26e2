import {
  parseEvent,
  parseEventJson,
  uuidv7,
  type Clock,
  type EventProblem,
  type ParseOptions,
  type ParseResult,
  type TemporalEvent,
  type TimestampWindow,
} from '@temporal-bridge/event-schema';

import type { Correlator, RecoveryReport } from '../correlation/correlator';
import { InvalidEventError } from '../errors';
import {
  BatchFlusher,
  type BatchFlusherOptions,
  type BatchSink,
  type FlushObserver,
  type StorageReject,
} from './batch-flusher';
import { EventBuffer } from './event-buffer';

export interface IngestOptions {
  /**
   * Deterministic event_id for an event that has none (e.g. Kafka
   * coordinates), so a replay does not duplicate it. Default: a new UUIDv7.
   */
  fallbackEventId?: string;
  /** Receive time for an event without timestamp. Default: the bridge clock. */
  receivedAt?: bigint;
}

export interface SubmitOptions {
  /** Deterministic id for the event at `index` when it has none (called only then). */
  fallbackEventId?: (index: number) => string;
  /**
   * Receive time for events without timestamp: one for all, or per index
   * (a Kafka consumer passes each message's own timestamp, so a replay
   * infers the same time).
   */
  receivedAt?: bigint | ((index: number) => bigint);
  /** Inputs are serialized JSON (strings or UTF-8 bytes), as read from Kafka. */
  raw?: boolean;
  /**
   * Called with the events of this submit that storage refused for their
   * data (`index` as in `inputs`), before they count as done: the batch
   * holding them is released, and `waitUntilStored` resolves, only once it
   * settles. Rejecting makes the batch be retried (e.g. a dead-letter topic
   * that is down). Without it, refused events are only counted and passed to
   * the observer.
   */
  onStorageReject?: (rejects: SubmitReject[]) => Promise<void> | void;
  /**
   * Gives up waiting for buffer space when it aborts: submit then rejects
   * with the signal's reason and none of these events is buffered (so none
   * is stored later). Once buffered, the events are kept whatever happens.
   */
  signal?: AbortSignal;
}

/** One event of a submit that storage refused, with ClickHouse's reason. */
export interface SubmitReject {
  index: number;
  event: TemporalEvent;
  reason: string;
}

export interface SubmitResult {
  accepted: TemporalEvent[];
  rejected: Array<{ index: number; problems: EventProblem[] }>;
  /** Pass to `waitUntilStored` to await durability of the accepted events. */
  ticket: number;
}

export interface IngestObserver extends FlushObserver {
  rejected?(problems: EventProblem[]): void;
  /** Events storage refused for their data (every one, whether a submit asked for them or not). */
  storageRejected?(rejects: StorageReject[]): void;
  /**
   * The bridge stopped with `events` still unstored (storage down past
   * stopTimeoutMs). Without this hook the bridge emits a process warning.
   */
  unstoredAtStop?(info: { events: number; reason: string; lastError: string | null }): void;
  /**
   * A batch whose correlation missed in the cache was completed from storage:
   * how many events were enriched, and which calls storage did not hold.
   */
  correlationRecovery?(report: RecoveryReport): void;
}

/** A submit that wants its refused events: positions [from, from + count). */
interface RejectWatcher {
  from: number;
  /** Its accepted events. */
  count: number;
  /** Input indexes of its invalid events, ascending: the accepted ones are all the others, in order. */
  rejected: number[];
  handler: NonNullable<SubmitOptions['onStorageReject']>;
}

/** validate -> buffer (bounded, with backpressure) -> correlate + store in batches. */
export class IngestPipeline {
  readonly buffer: EventBuffer;
  readonly flusher: BatchFlusher;
  eventsProcessed = 0;
  eventsRejected = 0;
  backpressureWaits = 0;
  private readonly maxDataBytes: number | undefined;
  private readonly timestampWindow: TimestampWindow | undefined;
  /** In buffer order; each removed once its events are all stored. */
  private watchers: RejectWatcher[] = [];

  constructor(
    correlator: Correlator,
    sink: BatchSink,
    options: BatchFlusherOptions & {
      maxBufferedEvents: number;
      maxDataBytes?: number;
      timestampWindow?: TimestampWindow;
    },
    private readonly clock: Clock,
    private readonly observer: IngestObserver = {},
  ) {
    this.buffer = new EventBuffer(options.maxBufferedEvents);
    this.flusher = new BatchFlusher(this.buffer, correlator, sink, options, observer, (rejects) =>
      this.dispatchRejects(rejects),
    );
    this.maxDataBytes = options.maxDataBytes;
    this.timestampWindow = options.timestampWindow;
  }

  /** One event: rejects with InvalidEventError, waits while the buffer is full. */
  async ingest(input: unknown, options: IngestOptions = {}): Promise<TemporalEvent> {
    const result = this.parse(
      input,
      {
        fallbackEventId: () => options.fallbackEventId ?? uuidv7(),
        receivedAt: options.receivedAt ?? (() => this.clock.nowNanos()),
        maxDataBytes: this.maxDataBytes,
        timestampWindow: this.timestampWindow,
        clock: this.clock,
      },
      false,
    );
    if (!result.ok) {
      this.reject(result.problems);
      throw new InvalidEventError(result.problems);
    }
    await this.admit([result.event]);
    return result.event;
  }

  /** Many events: invalid ones are reported by index, the rest buffered together. */
  async submit(inputs: readonly unknown[], options: SubmitOptions = {}): Promise<SubmitResult> {
    // One clock read per submit: the receive time of events without one, and the window's "now".
    const now = this.clock.nowNanos();
    const accepted: TemporalEvent[] = [];
    const rejected: SubmitResult['rejected'] = [];
    // One options object for the whole submit: its functions read the index of the event being parsed.
    let index = 0;
    const fallbackEventId = options.fallbackEventId;
    const receivedAt = options.receivedAt;
    const parseOptions: ParseOptions = {
      fallbackEventId: () => fallbackEventId?.(index) ?? uuidv7(),
      receivedAt: typeof receivedAt === 'function' ? () => receivedAt(index) : (receivedAt ?? now),
      maxDataBytes: this.maxDataBytes,
      timestampWindow: this.timestampWindow,
      clock: { nowNanos: () => now },
    };
    const raw = options.raw === true;
    for (; index < inputs.length; index += 1) {
      const result = this.parse(inputs[index], parseOptions, raw);
      if (result.ok) accepted.push(result.event);
      else {
        this.reject(result.problems);
        rejected.push({ index, problems: result.problems });
      }
    }
    const handler = options.onStorageReject;
    const ticket =
      accepted.length > 0
        ? await this.admit(
            accepted,
            (from) => {
              if (handler !== undefined)
                this.watchers.push({ from, count: accepted.length, rejected: rejected.map((r) => r.index), handler });
            },
            options.signal,
          )
        : this.buffer.endTicket;
    return { accepted, rejected, ticket };
  }

  /** Hands refused events to the submits that asked for them (by their own index), and to the observer. */
  private async dispatchRejects(rejects: StorageReject[]): Promise<void> {
    this.observer.storageRejected?.(rejects);
    // Watchers whose events are all stored can no longer receive anything.
    this.watchers = this.watchers.filter((w) => !this.buffer.isStored(w.from + w.count));
    const byWatcher = new Map<RejectWatcher, SubmitReject[]>();
    for (const reject of rejects) {
      const watcher = this.watchers.find((w) => reject.position >= w.from && reject.position < w.from + w.count);
      if (watcher === undefined) continue;
      const list = byWatcher.get(watcher) ?? [];
      list.push({
        index: inputIndex(watcher.rejected, reject.position - watcher.from),
        event: reject.event,
        reason: reject.reason,
      });
      byWatcher.set(watcher, list);
    }
    await Promise.all([...byWatcher].map(async ([watcher, list]) => watcher.handler(list)));
  }

  /**
   * Drops the watchers whose events are all stored: they can receive
   * nothing more, and each holds its submit's handler (with whatever that
   * closes over, e.g. a whole parsed HTTP body). Watchers are in buffer
   * order and storage commits the oldest first, so those are a prefix.
   * Without this the list grew by one per submit until a reject happened.
   */
  private releaseStoredWatchers(): void {
    let stored = 0;
    while (
      stored < this.watchers.length &&
      this.buffer.isStored(this.watchers[stored]!.from + this.watchers[stored]!.count)
    )
      stored += 1;
    if (stored > 0) this.watchers.splice(0, stored);
  }

  /** Raw inputs are serialized JSON, as read from Kafka. */
  private parse(input: unknown, options: ParseOptions, raw: boolean): ParseResult {
    if (!raw) return parseEvent(input, options);
    if (typeof input === 'string' || input instanceof Uint8Array) return parseEventJson(input, options);
    return { ok: false, problems: [{ field: '(event)', reason: 'message has no value' }] };
  }

  private reject(problems: EventProblem[]): void {
    this.eventsRejected += 1;
    this.observer.rejected?.(problems);
  }

  /** `placed` learns the first position of the events, in the tick they enter the buffer (before any flush). */
  private async admit(events: TemporalEvent[], placed?: (from: number) => void, signal?: AbortSignal): Promise<number> {
    if (this.buffer.size + events.length > this.buffer.capacity) {
      this.backpressureWaits += 1;
      // Storage cannot keep up (or is down): make producers wait instead of growing memory.
      this.flusher.requestAll();
    }
    const ticket = await this.buffer.pushWhenRoom(events, signal);
    this.releaseStoredWatchers();
    placed?.(ticket - events.length);
    this.eventsProcessed += events.length;
    this.flusher.onPush();
    return ticket;
  }
}

/** The input index of the `accepted`-th accepted event (0-based), given the ascending indexes of the rejected ones. */
function inputIndex(rejected: readonly number[], accepted: number): number {
  let index = accepted;
  for (const refused of rejected) {
    if (refused > index) break;
    index += 1;
  }
  return index;
}
