import { describe, expect, it } from 'vitest';

import { loadStandaloneConfig } from './standalone.config';

describe('standalone memory settings', () => {
  it('have the defaults docs/operations.md "Memory" measures', () => {
    expect(loadStandaloneConfig({})).toMatchObject({
      V8_HEAP_GROWING_PERCENT: 50,
      INGEST_MAX_PENDING_BYTES: 16 * 1_048_576,
      CORRELATION_CACHE_ENTRIES: 100_000,
    });
  });

  it('refuse a negative or absurd heap growth at start, naming the variable', () => {
    expect(() => loadStandaloneConfig({ V8_HEAP_GROWING_PERCENT: '-1' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
    expect(() => loadStandaloneConfig({ V8_HEAP_GROWING_PERCENT: '5000' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
  });
});
