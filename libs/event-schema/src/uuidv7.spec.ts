import { describe, expect, it } from 'vitest';

import { uuidv7 } from './uuidv7';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying the millisecond timestamp', () => {
    const id = uuidv7(1_764_000_000_123);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(1_764_000_000_123);
  });

  it('is unique and strictly increasing within a process, even within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_900_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays increasing when the clock goes backwards', () => {
    const later = uuidv7(2_000_000_000_000);
    expect(uuidv7(1_999_999_999_000) > later).toBe(true);
  });
});
