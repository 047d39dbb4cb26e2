import { describe, expect, it } from 'vitest';

import { keepAlive } from './keep-alive';

const delay = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('keepAlive', () => {
  it('heartbeats while the work is pending, and stops after', async () => {
    // The work ends after the 4th heartbeat, not after a wall-clock time: on a loaded machine
    // timers fire late, and a fixed 130 ms could hold fewer beats without anything being wrong.
    let beats = 0;
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const heartbeat = async (): Promise<void> => {
      beats += 1;
      if (beats === 4) finish('done');
    };
    const result = await keepAlive(work, heartbeat, 20);
    expect(result).toBe('done');
    const atEnd = beats;
    expect(atEnd).toBe(4);
    // Several intervals later, still no beat: the timer is gone.
    await delay(120, null);
    expect(beats).toBe(atEnd);
  });

  it('ends the wait when a heartbeat fails (the group is rebalancing)', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(keepAlive(never, () => Promise.reject(new Error('rebalancing')), 10)).rejects.toThrow('rebalancing');
  });

  it('passes the work’s own failure through', async () => {
    await expect(keepAlive(Promise.reject(new Error('storage down')), async () => undefined, 10)).rejects.toThrow(
      'storage down',
    );
  });

  it('gives up when the signal aborts (shutdown deadline)', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const waiting = keepAlive(never, async () => undefined, 10, controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    await expect(keepAlive(Promise.resolve(1), async () => undefined, 10, controller.signal)).rejects.toThrow(
      'deadline',
    );
  });
});
