import type { SerializedEvent } from '@temporal-bridge/event-schema';

import { describeError, TransportError, type Transport } from '../transports/transport';
import { Backoff, type RetryOptions } from './backoff';
import { EventQueue, type DropPolicy } from './event-queue';
import { type StatsCounters } from './runtime-stats';

/** Resolved queue settings (see `QueueOptions` for the defaults). */
export interface SenderSettings {
  capacity: number;
  batchSize: number;
  lingerMs: number;
  dropPolicy: DropPolicy;
}

/**
 * What a flush or shutdown achieved.
 *
 * @example
 * const { ok, unsent } = await runtime.shutdown(5_000);
 * if (!ok) console.warn(`${unsent} events were not sent`);
 */
export interface FlushResult {
  /** True when every event queued before the call left the queue (sent, or counted as rejected/dropped). */
  ok: boolean;
  /** Events queued before the call and still unsent when the time ran out. */
  unsent: number;
}

interface Waiter {
  target: number;
  resolve: (ok: boolean) => void;
}

/**
 * Moves queued events to the transport in batches: one send at a time (so a
 * trace stays in order), a batch at `batchSize` events or after `lingerMs`.
 * A failed batch stays in flight and is retried with backoff while new events
 * keep queueing; the batch counts against the queue capacity, so memory is
 * bounded whatever the outage lasts.
 */
export class EventSender {
  private readonly queue: EventQueue<SerializedEvent>;
  private readonly backoff: Backoff;
  private inFlight: SerializedEvent[] | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private pumping = false;
  private failures = 0;
  private abandoned = false;
  /** Items that entered the queue, and items that left it (sent, rejected, displaced): FIFO makes these a flush cursor. */
  private entered = 0;
  private left = 0;
  private waiters: Waiter[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly settings: SenderSettings,
    private readonly stats: StatsCounters,
    random: () => number,
    retry: RetryOptions,
  ) {
    this.queue = new EventQueue(settings.capacity, settings.dropPolicy);
    this.backoff = new Backoff(retry, random);
  }

  get queueDepth(): number {
    return this.queue.size;
  }

  get inFlightCount(): number {
    return this.inFlight === undefined ? 0 : this.inFlight.length;
  }

  /** Events that can still be queued before one more would displace (or be refused by) the drop policy. */
  get room(): number {
    return this.settings.capacity - this.queue.size - this.inFlightCount;
  }

  /** Hot path: O(1), never throws, never waits. False when the event itself was dropped. */
  enqueue(item: SerializedEvent): boolean {
    this.stats.emitted += 1;
    if (this.abandoned) {
      // An async call that ends after shutdown: counted, not silently queued forever.
      this.stats.dropped.shutdown += 1;
      return false;
    }
    const queue = this.queue;
    const settings = this.settings;
    const inFlight = this.inFlight;
    let accepted = true;
    if (queue.push(item, inFlight === undefined ? settings.capacity : settings.capacity - inFlight.length)) {
      this.stats.dropped.queue_full += 1;
      // drop-oldest displaced a queued event (the new one entered); drop-newest refused the new one.
      // Either way the queue's size is what it was before: nothing to remember ahead of the push.
      accepted = settings.dropPolicy === 'drop-oldest' && queue.size > 0;
      if (accepted) {
        this.entered += 1;
        this.left += 1;
        this.notify();
      }
    } else {
      this.entered += 1;
    }
    if (this.pumping || this.retryTimer !== undefined || this.immediate !== undefined) return accepted;
    if (queue.size >= settings.batchSize) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.immediate = setImmediate(this.run);
    } else if (this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(this.run, this.settings.lingerMs);
    }
    return accepted;
  }

  /** Sends now (skipping linger and any backoff wait) and waits until what was queued before has left. */
  flush(timeoutMs: number): Promise<FlushResult> {
    const target = this.entered;
    if (this.left >= target) return Promise.resolve({ ok: true, unsent: 0 });
    this.wake();
    return new Promise<FlushResult>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve({ ok: false, unsent: Math.max(0, target - this.left) });
      }, timeoutMs);
      const waiter: Waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve({ ok: true, unsent: 0 });
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Flushes, then counts what is left as dropped (reason `shutdown`) and closes the transport. */
  async shutdown(timeoutMs: number): Promise<FlushResult> {
    const result = await this.flush(timeoutMs);
    this.abandoned = true;
    this.stopTimers();
    const unsent = this.queue.clear() + this.inFlightCount;
    this.inFlight = undefined;
    this.stats.dropped.shutdown += unsent;
    try {
      await this.transport.close();
    } catch (error) {
      this.stats.lastError = `closing ${this.transport.name}: ${describeError(error)}`;
    }
    return { ok: result.ok && unsent === 0, unsent: Math.max(result.unsent, unsent) };
  }

  /**
   * Every event not yet confirmed (the batch in flight first, then the
   * queue), removed from the sender: for a last synchronous hand-over when
   * the process is exiting and no more sends can complete. The in-flight
   * batch may already have arrived; the bridge deduplicates by event_id.
   */
  takeAll(): SerializedEvent[] {
    const out = this.inFlight === undefined ? [] : this.inFlight;
    this.inFlight = undefined;
    out.push(...this.queue.take(this.queue.size));
    this.stopTimers();
    return out;
  }

  private readonly run = (): void => {
    this.lingerTimer = undefined;
    this.retryTimer = undefined;
    this.immediate = undefined;
    void this.pump();
  };

  private wake(): void {
    if (this.pumping) return;
    this.stopTimers();
    this.immediate = setImmediate(this.run);
  }

  private stopTimers(): void {
    clearTimeout(this.lingerTimer);
    clearTimeout(this.retryTimer);
    clearImmediate(this.immediate);
    this.lingerTimer = this.retryTimer = this.immediate = undefined;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.abandoned) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.inFlight === undefined) {
          if (this.queue.size === 0) return;
          this.inFlight = this.queue.take(this.settings.batchSize);
        }
        const done = await this.attempt(this.inFlight);
        if (this.abandoned) return;
        if (!done) {
          this.retryTimer = setTimeout(this.run, this.backoff.delay(this.failures - 1));
          // An outage must not keep a finished application alive; shutdown() is the way to wait.
          this.retryTimer.unref();
          return;
        }
        this.left += this.inFlight.length;
        this.inFlight = undefined;
        this.notify();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** True when the batch is finished with (sent, or rejected for good); false to retry it. */
  private async attempt(batch: SerializedEvent[]): Promise<boolean> {
    try {
      const { rejected } = await this.transport.send(batch);
      if (this.abandoned) return true;
      this.stats.sent += batch.length - rejected.length;
      this.stats.dropped.rejected += rejected.length;
      if (rejected[0] !== undefined) this.stats.lastError = `${rejected.length} rejected: ${rejected[0].reason}`;
      this.failures = 0;
      return true;
    } catch (error) {
      if (this.abandoned) return true;
      this.stats.sendFailures += 1;
      this.stats.lastError = describeError(error);
      if (error instanceof TransportError && !error.retryable) {
        this.stats.dropped.rejected += batch.length;
        this.failures = 0;
        return true;
      }
      this.failures += 1;
      return false;
    }
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const pending: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.left >= waiter.target) waiter.resolve(true);
      else pending.push(waiter);
    }
    this.waiters = pending;
  }
}
