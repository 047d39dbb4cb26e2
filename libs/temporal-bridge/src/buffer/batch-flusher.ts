import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { StorageDataError } from '@temporal-bridge/temporal-storage';

import type { Correlator } from '../correlation/correlator';
import type { EventBuffer } from './event-buffer';

/** Where flushed batches go: TemporalStorage (idempotent by event_id). */
export interface BatchSink {
  insertEvents(events: readonly TemporalEvent[]): Promise<void>;
}

/** An event storage refused for its content (its position in the buffer's stream, and ClickHouse's reason). */
export interface StorageReject {
  /** 0-based position in the stream: the event whose ticket is `position + 1`. */
  position: number;
  event: TemporalEvent;
  reason: string;
}

/**
 * Takes the events storage refused, before the batch holding them is
 * released (so a Kafka offset is committed only once they are dead-lettered).
 * A rejection (e.g. the dead-letter topic is down) fails the batch: it is
 * retried like any failed write.
 */
export type RejectSink = (rejects: StorageReject[]) => Promise<void>;

export interface FlushObserver {
  flushed?(info: { events: number; latencyMs: number }): void;
  flushFailed?(info: { events: number; error: unknown; retryInMs: number }): void;
}

export interface BatchFlusherOptions {
  /** A flush starts as soon as this many events wait. */
  bufferSize: number;
  /** Most events in one insert: under a backlog, batches grow up to this. */
  maxBatchEvents: number;
  /** Inserts in flight at once (each batch correlated in order before its insert starts). */
  flushConcurrency: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
}

export interface FlushStats {
  flushes: number;
  failures: number;
  eventsStored: number;
  lastLatencyMs: number | null;
  lastEvents: number;
  lastError: string | null;
  /** Events waiting while the last attempts failed (0 when healthy). */
  retrying: boolean;
  /** Events storage refused for their data (isolated, handed to the RejectSink, not stored). */
  eventsRefused: number;
}

/** A batch handed to storage, not yet released from the buffer. */
interface Flight {
  events: number;
  /** Set once its insert succeeded or it failed (correlation or insert). */
  outcome?: { ok: true; latencyMs: number; refused?: number } | { ok: false; error: unknown };
  /** Resolves (never rejects) once `outcome` is set. */
  settled: Promise<void>;
}

/**
 * Moves events from the buffer to storage: correlate, insert, and only then
 * release them from the buffer. Batches are correlated one after the other,
 * in buffer order, and up to `flushConcurrency` inserts run at once (with
 * more than one, the next batch is correlated while the previous inserts).
 * Batches are released strictly in order, so "stored up to", and the Kafka
 * offsets committed behind it, never pass an unstored event.
 *
 * An insert that ClickHouse refuses for the data itself (StorageDataError:
 * a value a column cannot hold, a violated constraint) is not retried as is:
 * the batch is split in halves until the refused events are alone, the rest
 * is stored, and the refused ones go to the RejectSink with ClickHouse's
 * reason. So one bad event costs O(log n) extra inserts, never a stall.
 * Any other failure means storage is unavailable:
 *
 * A failed batch stays at the head: once the inserts behind it have settled,
 * it is retried with exponential backoff together with them. Storage is
 * idempotent by event_id, so resending a batch that was in fact written
 * duplicates nothing.
 */
export class BatchFlusher {
  readonly stats: FlushStats = {
    flushes: 0,
    failures: 0,
    eventsStored: 0,
    lastLatencyMs: null,
    lastEvents: 0,
    lastError: null,
    retrying: false,
    eventsRefused: 0,
  };
  private demand = 0;
  /** Batches in flight, oldest first; together they are the oldest `sent` events of the buffer. */
  private inFlight: Flight[] = [];
  private sent = 0;
  private correlating = false;
  /** Set while a failed head waits for the others and backs off. */
  private recovery: Promise<void> | undefined;
  private halted = false;
  private retryDelay: number;
  private cancelSleep: (() => void) | undefined;

  constructor(
    private readonly buffer: EventBuffer,
    private readonly correlator: Correlator,
    private readonly sink: BatchSink,
    private readonly options: BatchFlusherOptions,
    private readonly observer: FlushObserver = {},
    private readonly rejectSink: RejectSink = async () => undefined,
  ) {
    this.retryDelay = options.initialRetryDelayMs;
  }

  /** Flush everything buffered so far, starting now. */
  requestAll(): void {
    this.demand = Math.max(this.demand, this.buffer.endTicket);
    this.kick();
  }

  /** After a push: flush when a full batch waits (kick decides, with moreToSend). */
  onPush(): void {
    this.kick();
  }

  /** Stops for good, interrupting a backoff wait; events left stay in the buffer. */
  async halt(graceMs = 5_000): Promise<void> {
    this.halted = true;
    this.cancelSleep?.();
    // An insert hanging on a dead server must not hold shutdown forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.quiet(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Resolves once nothing is in flight or recovering. */
  private async quiet(): Promise<void> {
    while (this.inFlight.length > 0 || this.recovery !== undefined) {
      await Promise.all([...this.inFlight.map((flight) => flight.settled), this.recovery]);
    }
  }

  /** Whether events beyond those in flight are due: a full batch, or asked for by requestAll. */
  private moreToSend(): boolean {
    return (
      !this.halted &&
      (this.buffer.size - this.sent >= this.options.bufferSize || !this.buffer.isStored(this.demand - this.sent))
    );
  }

  /** Starts the next batch if one is due and there is room: one correlation at a time, inserts up to the limit. */
  private kick(): void {
    if (this.correlating || this.recovery !== undefined) return;
    if (this.inFlight.length >= this.options.flushConcurrency || !this.moreToSend()) return;
    const batch = this.buffer.peek(this.options.maxBatchEvents, this.sent);
    if (batch.length === 0) return;
    // Stored so far (endTicket - size) plus those in flight: this batch's first position.
    const first = this.buffer.endTicket - this.buffer.size + this.sent;
    let settle!: () => void;
    const flight: Flight = { events: batch.length, settled: new Promise<void>((resolve) => (settle = resolve)) };
    this.inFlight.push(flight);
    this.sent += batch.length;
    this.correlating = true;
    void this.send(batch, first).then((outcome) => {
      flight.outcome = outcome;
      settle();
      this.release();
      this.kick();
    });
  }

  /** Correlates the batch (the next one waits for that), then inserts it. Never rejects. */
  private async send(batch: TemporalEvent[], first: number): Promise<NonNullable<Flight['outcome']>> {
    const started = performance.now();
    let insert: Promise<void>;
    let correlated: TemporalEvent[];
    try {
      correlated = await this.correlator.correlate(batch);
      insert = this.sink.insertEvents(correlated);
    } catch (error) {
      return { ok: false, error };
    } finally {
      this.correlating = false;
    }
    this.kick();
    try {
      await insert;
      return { ok: true, latencyMs: performance.now() - started };
    } catch (error) {
      if (!(error instanceof StorageDataError)) return { ok: false, error };
      try {
        const rejects = await this.isolate(correlated, first, error);
        await this.rejectSink(rejects);
        return { ok: true, latencyMs: performance.now() - started, refused: rejects.length };
      } catch (failure) {
        return { ok: false, error: failure };
      }
    }
  }

  /**
   * Splits a refused batch in halves, storing every half storage takes, until
   * each refused event is alone. Throws (the batch is then retried whole)
   * as soon as a half fails for another reason than its data.
   */
  private async isolate(events: TemporalEvent[], first: number, error: StorageDataError): Promise<StorageReject[]> {
    if (events.length === 1) return [{ position: first, event: events[0]!, reason: refusal(error) }];
    const middle = Math.ceil(events.length / 2);
    const rejects: StorageReject[] = [];
    for (const [part, at] of [
      [events.slice(0, middle), first],
      [events.slice(middle), first + middle],
    ] as const) {
      try {
        await this.sink.insertEvents(part);
      } catch (partError) {
        if (!(partError instanceof StorageDataError)) throw partError;
        rejects.push(...(await this.isolate(part, at, partError)));
      }
    }
    return rejects;
  }

  /** Releases stored batches from the head, in order; a failed head starts the recovery. */
  private release(): void {
    if (this.recovery !== undefined) return;
    for (let head = this.inFlight[0]; head?.outcome !== undefined; head = this.inFlight[0]) {
      if (!head.outcome.ok) {
        this.recovery = this.recover(head.events, head.outcome.error).finally(() => {
          this.recovery = undefined;
          this.kick();
        });
        return;
      }
      this.inFlight.shift();
      this.sent -= head.events;
      this.buffer.commit(head.events);
      this.recordSuccess(head.events, head.outcome.latencyMs, head.outcome.refused ?? 0);
    }
  }

  /** Lets the batches behind a failed head settle, forgets them all (they are sent again), then backs off. */
  private async recover(events: number, error: unknown): Promise<void> {
    await Promise.all(this.inFlight.map((flight) => flight.settled));
    this.inFlight = [];
    this.sent = 0;
    await this.backOff(events, error);
  }

  private recordSuccess(events: number, latencyMs: number, refused: number): void {
    this.stats.flushes += 1;
    this.stats.eventsStored += events - refused;
    this.stats.eventsRefused += refused;
    this.stats.lastLatencyMs = latencyMs;
    this.stats.lastEvents = events;
    this.stats.retrying = false;
    this.retryDelay = this.options.initialRetryDelayMs;
    this.observer.flushed?.({ events: events - refused, latencyMs });
  }

  private async backOff(events: number, error: unknown): Promise<void> {
    // +-20 % jitter so replicas that failed together do not retry in lockstep.
    const wait = Math.round(this.retryDelay * (0.8 + Math.random() * 0.4));
    this.stats.failures += 1;
    this.stats.lastError = error instanceof Error ? error.message : String(error);
    this.stats.retrying = true;
    this.observer.flushFailed?.({ events, error, retryInMs: wait });
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryDelayMs);
    if (this.halted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.cancelSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.cancelSleep = undefined;
  }
}

/** ClickHouse's own words, without the 'insertEvents: ClickHouse rejected the data' wrapper. */
function refusal(error: StorageDataError): string {
  const cause = error.cause instanceof Error ? error.cause.message : error.message;
  return `storage refused the event: ${cause.split('\n')[0]!.slice(0, 1000)}`;
}
