/**
 * Which event gives way when the queue is full: the oldest queued one (keeps
 * the latest history) or the new one (keeps a contiguous beginning).
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, queue: { dropPolicy: 'drop-newest' } });
 */
export type DropPolicy = 'drop-oldest' | 'drop-newest';

/**
 * A bounded FIFO on a fixed ring: push and shift are O(1) and allocate
 * nothing, which matters on the application's hot path. When full, `push`
 * applies the drop policy and reports whether something was dropped; the
 * caller counts it.
 *
 * @example
 * const queue = new EventQueue<number>(2, 'drop-oldest');
 * queue.push(1); queue.push(2);
 * queue.push(3); // true: 1 was dropped
 * queue.take(10); // [2, 3]
 */
export class EventQueue<T> {
  private readonly ring: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly policy: DropPolicy,
  ) {
    this.ring = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends `item`, or drops one event when `room` (the capacity left once
   * events in flight are counted) is used up. Returns true when one was dropped.
   */
  push(item: T, room: number = this.capacity): boolean {
    const capacity = this.capacity;
    if (this.count < (room < capacity ? room : capacity)) {
      this.ring[this.slot(this.count)] = item;
      this.count += 1;
      return false;
    }
    if (this.policy === 'drop-newest' || this.count === 0) return true;
    // drop-oldest: the new event takes the place of the oldest queued one.
    this.ring[this.head] = undefined;
    this.head = this.slot(1);
    this.ring[this.slot(this.count - 1)] = item;
    return true;
  }

  /** The ring index `offset` places after the head (offset < capacity): a compare, not an integer division. */
  private slot(offset: number): number {
    const at = this.head + offset;
    return at >= this.capacity ? at - this.capacity : at;
  }

  /** Removes and returns up to `max` events, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i += 1) {
      out[i] = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = this.slot(1);
    }
    this.count -= n;
    return out;
  }

  /** Empties the queue and returns how many events it held. */
  clear(): number {
    const n = this.count;
    this.take(n);
    return n;
  }
}
