import { afterEach, describe, expect, it } from 'vitest';

import { getRegisteredHandler, setRegisteredHandler, type EventHandler } from './handler-registry';

describe('handler registry', () => {
  afterEach(() => setRegisteredHandler(undefined));

  it('holds one process-wide handler, reachable through the global symbol', async () => {
    const seen: unknown[] = [];
    const handler: EventHandler = { correlateEvent: async (event) => void seen.push(event) };
    expect(getRegisteredHandler()).toBeUndefined();
    setRegisteredHandler(handler);
    expect(getRegisteredHandler()).toBe(handler);
    // A second copy of this package would look in the same slot.
    const slot = (globalThis as Record<symbol, unknown>)[Symbol.for('temporal-bridge.event-handler.v1')];
    expect(slot).toBe(handler);
    await getRegisteredHandler()?.correlateEvent({ x: 1 });
    expect(seen).toEqual([{ x: 1 }]);
    setRegisteredHandler(undefined);
    expect(getRegisteredHandler()).toBeUndefined();
  });
});
