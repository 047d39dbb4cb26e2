import { describe, expect, it } from 'vitest';

import { heapGrowthFlag } from './heap-growth';

describe('V8_HEAP_GROWING_PERCENT as a V8 flag', () => {
  it('becomes --heap-growing-percent', () => {
    expect(heapGrowthFlag(25, [], undefined)).toBe('--heap-growing-percent=25');
  });

  it('0 leaves V8 its own heuristic', () => {
    expect(heapGrowthFlag(0, [], undefined)).toBeUndefined();
  });

  it('gives way to the flag passed to node, on its command line or in NODE_OPTIONS (either spelling)', () => {
    expect(heapGrowthFlag(25, ['--heap-growing-percent=60'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(25, [], '--max-old-space-size=300 --heap_growing_percent=60')).toBeUndefined();
    expect(heapGrowthFlag(25, ['--max-old-space-size=300'], '--trace-gc')).toBe('--heap-growing-percent=25');
  });
});
