import type { TemporalEvent } from '@temporal-bridge/event-schema';

interface StoredWaiter {
  ticket: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The bridge's buffer: a bounded FIFO of validated events waiting to be
 * stored. Every event gets a ticket (its position in the stream); a flush
 * removes events only after storage accepted them, and "stored up to" only
 * moves forward, so a caller can wait until its own events are durable.
 */
export class EventBuffer {
  private events: TemporalEvent[] = [];
  private nextTicket = 0;
  private storedUpTo = 0;
  private spaceWaiters: Array<() => void> = [];
  private storedWaiters: StoredWaiter[] = [];
  private aborted: Error | undefined;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.events.length;
  }

  /** The ticket the next event will get; waiting for it means "everything so far". */
  get endTicket(): number {
    return this.nextTicket;
  }

  /**
   * Appends events once they fit, and answers the ticket just past the last
   * one. The check and the append happen in the same tick, so concurrent
   * producers can never overshoot the bound together. A batch larger than
   * the whole capacity is admitted into an empty buffer, so it cannot wait
   * forever: the bound is max(capacity, largest batch). When `signal`
   * aborts while waiting, it rejects with the signal's reason and appends
   * nothing.
   */
  async pushWhenRoom(events: readonly TemporalEvent[], signal?: AbortSignal): Promise<number> {
    while (this.events.length > 0 && this.events.length + events.length > this.capacity) {
      if (this.aborted !== undefined) throw this.aborted;
      // Past the caller's deadline nothing of `events` has entered the buffer: none of it is stored later.
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake);
          this.spaceWaiters = this.spaceWaiters.filter((w) => w !== wake);
          resolve();
        };
        this.spaceWaiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    if (this.aborted !== undefined) throw this.aborted;
    signal?.throwIfAborted();
    for (const event of events) this.events.push(event);
    this.nextTicket += events.length;
    return this.nextTicket;
  }

  /** Up to `max` events after the oldest `skip` (those already in flight), left in place until `commit`. */
  peek(max: number, skip = 0): TemporalEvent[] {
    return this.events.slice(skip, skip + max);
  }

  /** Storage accepted the oldest `count` events: release them and wake waiters. */
  commit(count: number): void {
    this.events.splice(0, count);
    this.storedUpTo += count;
    const ready = this.storedWaiters.filter((w) => w.ticket <= this.storedUpTo);
    this.storedWaiters = this.storedWaiters.filter((w) => w.ticket > this.storedUpTo);
    for (const waiter of ready) waiter.resolve();
    const space = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of space) wake();
  }

  /** Resolves once every event before `ticket` is stored. */
  waitStored(ticket: number): Promise<void> {
    if (ticket <= this.storedUpTo) return Promise.resolve();
    return new Promise((resolve, reject) => this.storedWaiters.push({ ticket, resolve, reject }));
  }

  isStored(ticket: number): boolean {
    return ticket <= this.storedUpTo;
  }

  /** Fails everyone still waiting (the bridge stopped with events unstored). */
  abort(error: Error): void {
    this.aborted = error;
    for (const waiter of this.storedWaiters) waiter.reject(error);
    this.storedWaiters = [];
    const space = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of space) wake();
  }
}
