import type { TemporalEvent } from '@temporal-bridge/event-schema';

interface Entry {
  /** Nanoseconds after the dataset start (exact below 2^53: a span of 104 days). */
  at: number;
  /** Tie-breaker so that equal times pop in insertion order (deterministic). */
  order: number;
  event: TemporalEvent;
}

/**
 * Min-heap on event time. Traces are generated one after another but overlap
 * in time; the heap releases events in time order, the way a fleet's events
 * reach the bridge.
 */
export class EventHeap {
  private readonly items: Entry[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, event: TemporalEvent): void {
    const items = this.items;
    items.push({ at, order: (this.counter += 1), event });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.items[0]?.at ?? Infinity;
  }

  pop(): TemporalEvent | undefined {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l]!, items[m]!)) m = l;
        if (r < items.length && less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top.event;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
