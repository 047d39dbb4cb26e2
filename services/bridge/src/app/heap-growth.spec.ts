import { describe, expect, it } from 'vitest';

import { loadBridgeConfig } from '../config/bridge.config';
import { heapGrowthFlag } from './heap-growth';

const minimal = { KAFKA_BROKERS: 'k1:9092', REDIS_URL: 'redis://r:6379', CLICKHOUSE_URL: 'http://ch:8123' };

describe('V8_HEAP_GROWING_PERCENT', () => {
  it('becomes the V8 flag --heap-growing-percent', () => {
    const percent = loadBridgeConfig({ ...minimal, V8_HEAP_GROWING_PERCENT: '25' }).V8_HEAP_GROWING_PERCENT;
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
    expect(() => loadBridgeConfig({ ...minimal, V8_HEAP_GROWING_PERCENT: '-1' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
    expect(() => loadBridgeConfig({ ...minimal, V8_HEAP_GROWING_PERCENT: '5000' })).toThrow(/V8_HEAP_GROWING_PERCENT/);
  });
});
