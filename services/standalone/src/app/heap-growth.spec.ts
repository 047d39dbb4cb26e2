import { describe, expect, it } from 'vitest';

import { loadStandaloneConfig } from '../config/standalone.config';
import { heapGrowthFlag } from './heap-growth';

describe('V8_HEAP_GROWING_PERCENT', () => {
  it('becomes the V8 flag --heap-growing-percent', () => {
    const percent = loadStandaloneConfig({ V8_HEAP_GROWING_PERCENT: '25' }).V8_HEAP_GROWING_PERCENT;
    expect(heapGrowthFlag(percent, [], undefined)).toBe('--heap-growing-percent=25');
  });

  it('0 leaves V8 its own heuristic', () => {
    expect(heapGrowthFlag(0, [], undefined)).toBeUndefined();
  });

  it('gives way to the flag passed to node, on its command line or in NODE_OPTIONS (either spelling)', () => {
    expect(heapGrowthFlag(25, ['--heap-growing-percent=60'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(25, [], '--max-old-space-size=300 --heap_growing_percent=60')).toBeUndefined();
    expect(heapGrowthFlag(25, ['--max-old-space-size=300'], '--trace-gc')).toBe('--heap-growing-percent=25');
  });

  it('refuses a negative or absurd value at start', () => {
    expect(() => loadStandaloneConfig({ V8_HEAP_GROWING_PERCENT: '-1' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
    expect(() => loadStandaloneConfig({ V8_HEAP_GROWING_PERCENT: '5000' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
  });
});
