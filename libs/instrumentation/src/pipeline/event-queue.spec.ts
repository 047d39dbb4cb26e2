import { describe, expect, it } from 'vitest';

import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('is FIFO across the ring boundary', () => {
    const queue = new EventQueue<number>(3, 'drop-newest');
    queue.push(1);
    queue.push(2);
    expect(queue.take(1)).toEqual([1]);
    queue.push(3);
    queue.push(4);
    expect(queue.size).toBe(3);
    expect(queue.take(10)).toEqual([2, 3, 4]);
    expect(queue.size).toBe(0);
  });

  it('drop-newest keeps what it has and refuses the new event', () => {
    const queue = new EventQueue<number>(2, 'drop-newest');
    expect([queue.push(1), queue.push(2), queue.push(3), queue.push(4)]).toEqual([false, false, true, true]);
    expect(queue.take(10)).toEqual([1, 2]);
  });

  it('drop-oldest lets the new event push out the oldest', () => {
    const queue = new EventQueue<number>(2, 'drop-oldest');
    expect([queue.push(1), queue.push(2), queue.push(3), queue.push(4)]).toEqual([false, false, true, true]);
    expect(queue.take(10)).toEqual([3, 4]);
  });

  it('counts room left by events in flight', () => {
    const queue = new EventQueue<number>(4, 'drop-oldest');
    queue.push(1, 2);
    queue.push(2, 2);
    expect(queue.push(3, 2)).toBe(true);
    expect(queue.take(10)).toEqual([2, 3]);
    // With no room at all there is nothing to displace: the new event goes.
    expect(queue.push(9, 0)).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('clear empties and reports the count', () => {
    const queue = new EventQueue<number>(5, 'drop-oldest');
    queue.push(1);
    queue.push(2);
    expect(queue.clear()).toBe(2);
    expect(queue.take(5)).toEqual([]);
  });
});
