import {
  parseEvent,
  parseEventJson,
  uuidv7,
  type Clock,
  type EventProblem,
  type ParseResult,
  type TemporalEvent,
  type TimestampWindow,
} from '@temporal-bridge/event-schema';

import type { Correlator } from '../correlation/correlator';
import { InvalidEventError } from '../errors';
import { BatchFlusher, type BatchFlusherOptions, type BatchSink, type FlushObserver } from './batch-flusher';
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
}

export interface SubmitResult {
  accepted: TemporalEvent[];
  rejected: Array<{ index: number; problems: EventProblem[] }>;
  /** Pass to `waitUntilStored` to await durability of the accepted events. */
  ticket: number;
}

export interface IngestObserver extends FlushObserver {
  rejected?(problems: EventProblem[]): void;
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
    this.flusher = new BatchFlusher(this.buffer, correlator, sink, options, observer);
    this.maxDataBytes = options.maxDataBytes;
    this.timestampWindow = options.timestampWindow;
  }

  /** One event: rejects with InvalidEventError, waits while the buffer is full. */
  async ingest(input: unknown, options: IngestOptions = {}): Promise<TemporalEvent> {
    const result = this.parse(input, () => options.fallbackEventId ?? uuidv7(), options.receivedAt);
    if (!result.ok) {
      this.reject(result.problems);
      throw new InvalidEventError(result.problems);
    }
    await this.admit([result.event]);
    return result.event;
  }

  /** Many events: invalid ones are reported by index, the rest buffered together. */
  async submit(inputs: readonly unknown[], options: SubmitOptions = {}): Promise<SubmitResult> {
    const now = this.clock.nowNanos();
    const receivedAt = options.receivedAt ?? now;
    const accepted: TemporalEvent[] = [];
    const rejected: SubmitResult['rejected'] = [];
    inputs.forEach((input, index) => {
      const result = this.parse(
        input,
        () => options.fallbackEventId?.(index) ?? uuidv7(),
        typeof receivedAt === 'function' ? receivedAt(index) : receivedAt,
        options.raw === true,
      );
      if (result.ok) accepted.push(result.event);
      else {
        this.reject(result.problems);
        rejected.push({ index, problems: result.problems });
      }
    });
    const ticket = accepted.length > 0 ? await this.admit(accepted) : this.buffer.endTicket;
    return { accepted, rejected, ticket };
  }

  /** `fallbackEventId` is called only for an event without event_id. */
  private parse(
    input: unknown,
    fallbackEventId: () => string,
    receivedAt: bigint | undefined,
    raw = false,
  ): ParseResult {
    const options = {
      fallbackEventId,
      receivedAt: receivedAt ?? this.clock.nowNanos(),
      maxDataBytes: this.maxDataBytes,
      timestampWindow: this.timestampWindow,
      clock: this.clock,
    };
    if (!raw) return parseEvent(input, options);
    if (typeof input === 'string' || input instanceof Uint8Array) return parseEventJson(input, options);
    return { ok: false, problems: [{ field: '(event)', reason: 'message has no value' }] };
  }

  private reject(problems: EventProblem[]): void {
    this.eventsRejected += 1;
    this.observer.rejected?.(problems);
  }

  private async admit(events: TemporalEvent[]): Promise<number> {
    if (this.buffer.size + events.length > this.buffer.capacity) {
      this.backpressureWaits += 1;
      // Storage cannot keep up (or is down): make producers wait instead of growing memory.
      this.flusher.requestAll();
    }
    const ticket = await this.buffer.pushWhenRoom(events);
    this.eventsProcessed += events.length;
    this.flusher.onPush();
    return ticket;
  }
}
