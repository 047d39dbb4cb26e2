import type { TemporalEvent } from '@temporal-bridge/event-schema';

import type { Correlator } from '../correlation/correlator';
import type { EventBuffer } from './event-buffer';

/** Where flushed batches go: TemporalStorage (idempotent by event_id). */
export interface BatchSink {
  insertEvents(events: readonly TemporalEvent[]): Promise<void>;
}

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
}

/** A batch handed to storage, not yet released from the buffer. */
interface Flight {
  events: number;
  /** Set once its insert succeeded or it failed (correlation or insert). */
  outcome?: { ok: true; latencyMs: number } | { ok: false; error: unknown };
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
    let settle!: () => void;
    const flight: Flight = { events: batch.length, settled: new Promise<void>((resolve) => (settle = resolve)) };
    this.inFlight.push(flight);
    this.sent += batch.length;
    this.correlating = true;
    void this.send(batch).then((outcome) => {
      flight.outcome = outcome;
      settle();
      this.release();
      this.kick();
    });
  }

  /** Correlates the batch (the next one waits for that), then inserts it. Never rejects. */
  private async send(batch: TemporalEvent[]): Promise<NonNullable<Flight['outcome']>> {
    const started = performance.now();
    let insert: Promise<void>;
    try {
      insert = this.sink.insertEvents(await this.correlator.correlate(batch));
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
      return { ok: false, error };
    }
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
      this.recordSuccess(head.events, head.outcome.latencyMs);
    }
  }

  /** Lets the batches behind a failed head settle, forgets them all (they are sent again), then backs off. */
  private async recover(events: number, error: unknown): Promise<void> {
    await Promise.all(this.inFlight.map((flight) => flight.settled));
    this.inFlight = [];
    this.sent = 0;
    await this.backOff(events, error);
  }

  private recordSuccess(events: number, latencyMs: number): void {
    this.stats.flushes += 1;
    this.stats.eventsStored += events;
    this.stats.lastLatencyMs = latencyMs;
    this.stats.lastEvents = events;
    this.stats.retrying = false;
    this.retryDelay = this.options.initialRetryDelayMs;
    this.observer.flushed?.({ events, latencyMs });
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
