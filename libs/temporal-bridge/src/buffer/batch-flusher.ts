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

/**
 * Moves events from the buffer to storage, one batch at a time (so batches
 * are stored in order): correlate, insert, and only then release them from
 * the buffer. A failed batch stays at the head and is retried with
 * exponential backoff; since storage is idempotent by event_id, a retry of a
 * batch that was in fact written duplicates nothing.
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
  private running: Promise<void> | undefined;
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

  /** After a push: flush when a full batch waits. */
  onPush(): void {
    if (this.buffer.size >= this.options.bufferSize) this.kick();
  }

  /** Stops for good, interrupting a backoff wait; events left stay in the buffer. */
  async halt(graceMs = 5_000): Promise<void> {
    this.halted = true;
    this.cancelSleep?.();
    // An insert hanging on a dead server must not hold shutdown forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private wanted(): boolean {
    return !this.halted && (this.buffer.size >= this.options.bufferSize || !this.buffer.isStored(this.demand));
  }

  private kick(): void {
    if (this.running !== undefined || !this.wanted()) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      // Events may have arrived after the loop's last check.
      if (this.wanted()) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.wanted()) {
      const batch = this.buffer.peek(this.options.maxBatchEvents);
      if (batch.length === 0) return;
      const started = performance.now();
      try {
        await this.sink.insertEvents(await this.correlator.correlate(batch));
      } catch (error) {
        await this.backOff(batch.length, error);
        continue;
      }
      this.buffer.commit(batch.length);
      this.recordSuccess(batch.length, performance.now() - started);
    }
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
