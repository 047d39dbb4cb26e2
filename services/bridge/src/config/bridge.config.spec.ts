import { ConfigError } from '@temporal-bridge/service-kit';
import { describe, expect, it } from 'vitest';

import { storageOptions } from '../app/bridge-app.module';
import { loadBridgeConfig } from './bridge.config';

const minimal = { KAFKA_BROKERS: 'k1:9092,k2:9092', REDIS_URL: 'redis://r:6379', CLICKHOUSE_URL: 'http://ch:8123' };

function problems(env: Record<string, string>): string[] {
  try {
    loadBridgeConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('bridge configuration', () => {
  it('has the documented defaults', () => {
    expect(loadBridgeConfig(minimal)).toMatchObject({
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      KAFKA_TOPIC: 'temporal.events',
      KAFKA_GROUP_ID: 'temporal-bridge',
      KAFKA_DLQ_TOPIC: 'temporal.events.dlq',
      BUFFER_SIZE: 1000,
      FLUSH_INTERVAL_MS: 100,
      FLUSH_CONCURRENCY: 1,
      PORT: 4001,
      CLICKHOUSE_DATABASE: 'temporal_bridge',
      KAFKA_PARTITIONS_CONCURRENTLY: 64,
      KAFKA_MAX_WAIT_MS: 100,
    });
  });

  it('requires brokers and Redis, naming them', () => {
    expect(problems({ CLICKHOUSE_URL: 'http://ch:8123' })).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: is required/),
      expect.stringMatching(/^REDIS_URL: is required/),
    ]);
  });

  it('wants exactly one of CLICKHOUSE_URL and CLICKHOUSE_DATA_DIR', () => {
    const { CLICKHOUSE_URL: _url, ...none } = minimal;
    expect(problems(none)).toEqual([expect.stringMatching(/^CLICKHOUSE_URL: set exactly one of/)]);
    expect(problems({ ...minimal, CLICKHOUSE_DATA_DIR: '/data' })).toEqual([
      expect.stringMatching(/^CLICKHOUSE_URL: set exactly one/),
    ]);
    expect(loadBridgeConfig({ ...none, CLICKHOUSE_DATA_DIR: '/data' }).CLICKHOUSE_DATA_DIR).toBe('/data');
  });

  it.each([
    [{ KAFKA_BROKERS: 'nohost' }, /^KAFKA_BROKERS: must be host:port/],
    [{ REDIS_URL: 'redis-server:6379' }, /^REDIS_URL: must start with redis:\/\//],
    [{ CLICKHOUSE_URL: 'ch:8123' }, /^CLICKHOUSE_URL: must be a URL with http: or https:/],
    [{ BUFFER_SIZE: '0' }, /^BUFFER_SIZE: must be at least 1/],
    [{ FLUSH_INTERVAL_MS: 'fast' }, /^FLUSH_INTERVAL_MS: must be an integer/],
    [{ KAFKA_SASL_MECHANISM: 'kerberos' }, /^KAFKA_SASL_MECHANISM: must be plain/],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, /^KAFKA_SASL_USERNAME: KAFKA_SASL_MECHANISM needs/],
    [
      { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' },
      /^KAFKA_HEARTBEAT_INTERVAL_MS: must be at most a third/,
    ],
    [{ CLICKHOUSE_DATABASE: 'drop table;' }, /^CLICKHOUSE_DATABASE: must be a plain identifier/],
    [{ V8_HEAP_GROWING_PERCENT: '-1' }, /^V8_HEAP_GROWING_PERCENT: must be at least 0/],
    [{ V8_HEAP_GROWING_PERCENT: '5000' }, /^V8_HEAP_GROWING_PERCENT: must be at most 1000/],
  ])('names the variable of a bad value: %j', (patch, message) => {
    expect(problems({ ...minimal, ...patch })).toEqual([expect.stringMatching(message)]);
  });

  it('accepts SASL over TLS', () => {
    const config = loadBridgeConfig({
      ...minimal,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect([config.KAFKA_SSL, config.KAFKA_SASL_MECHANISM]).toEqual([true, 'scram-sha-512']);
  });

  it('CLICKHOUSE_CLUSTER selects the cluster layout, only on a server, by a plain name', () => {
    expect(storageOptions(loadBridgeConfig({ ...minimal, CLICKHOUSE_CLUSTER: 'temporal' })).cluster).toBe('temporal');
    expect(storageOptions(loadBridgeConfig({ ...minimal, CLICKHOUSE_CLUSTER: '' })).cluster).toBeUndefined();
    expect(problems({ ...minimal, CLICKHOUSE_CLUSTER: 'a b' })).toEqual([
      expect.stringMatching(/^CLICKHOUSE_CLUSTER: must be a cluster name/),
    ]);
    const { CLICKHOUSE_URL: _url, ...embedded } = minimal;
    expect(problems({ ...embedded, CLICKHOUSE_DATA_DIR: '/d', CLICKHOUSE_CLUSTER: 'temporal' })).toEqual([
      expect.stringMatching(/^CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL/),
    ]);
  });
});
