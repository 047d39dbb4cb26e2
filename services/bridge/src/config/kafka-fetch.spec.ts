import { describe, expect, it } from 'vitest';

import { loadBridgeConfig } from './bridge.config';
import { kafkaFetchSizes, MAX_FETCH_BYTES, MIN_FETCH_BYTES, MIN_PARTITION_FETCH_BYTES } from './kafka-fetch';

const minimal = { KAFKA_BROKERS: 'k1:9092', REDIS_URL: 'redis://r:6379', CLICKHOUSE_URL: 'http://ch:8123' };

describe('kafka fetch sizes', () => {
  it('are derived from MAX_BUFFERED_EVENTS by default', () => {
    expect(kafkaFetchSizes(loadBridgeConfig(minimal))).toEqual({
      maxBytes: 20_000 * 128,
      maxBytesPerPartition: 40_000,
      maxWaitTimeInMs: 100,
    });
    expect(
      kafkaFetchSizes(
        loadBridgeConfig({ ...minimal, MAX_BUFFERED_EVENTS: '50000', KAFKA_PARTITIONS_CONCURRENTLY: '8' }),
      ),
    ).toMatchObject({ maxBytes: 6_400_000, maxBytesPerPartition: 800_000 });
  });

  it('stay within their bounds for tiny and huge buffers', () => {
    const tiny = kafkaFetchSizes(loadBridgeConfig({ ...minimal, MAX_BUFFERED_EVENTS: '10' }));
    expect(tiny).toMatchObject({ maxBytes: MIN_FETCH_BYTES, maxBytesPerPartition: MIN_PARTITION_FETCH_BYTES });
    const huge = kafkaFetchSizes(
      loadBridgeConfig({ ...minimal, MAX_BUFFERED_EVENTS: '10000000', KAFKA_PARTITIONS_CONCURRENTLY: '4' }),
    );
    expect(huge).toMatchObject({ maxBytes: MAX_FETCH_BYTES, maxBytesPerPartition: 1_048_576 });
  });

  it('take explicit values as given', () => {
    const config = loadBridgeConfig({
      ...minimal,
      KAFKA_FETCH_MAX_BYTES: '1000000',
      KAFKA_MAX_BYTES_PER_PARTITION: '4096',
      KAFKA_MAX_WAIT_MS: '20',
    });
    expect(kafkaFetchSizes(config)).toEqual({ maxBytes: 1_000_000, maxBytesPerPartition: 4096, maxWaitTimeInMs: 20 });
  });

  it('refuse a size between 0 and 1 KiB, naming the variable', () => {
    expect(() => loadBridgeConfig({ ...minimal, KAFKA_FETCH_MAX_BYTES: '100' })).toThrow(
      /KAFKA_FETCH_MAX_BYTES: must be 0 \(derived\) or at least 1024 bytes/,
    );
  });
});
