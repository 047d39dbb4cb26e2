import { describe, expect, it } from 'vitest';

import { keepAlive } from './keep-alive';

const delay = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('keepAlive', () => {
  it('heartbeats while the work is pending, and stops after', async () => {
    let beats = 0;
    const result = await keepAlive(delay(130, 'done'), async () => void (beats += 1), 20);
    expect(result).toBe('done');
    const atEnd = beats;
    expect(atEnd).toBeGreaterThanOrEqual(4);
    await delay(60, null);
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
