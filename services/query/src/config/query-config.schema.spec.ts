import { ConfigError, loadConfig } from '@temporal-bridge/service-kit';
import { describe, expect, it } from 'vitest';

import { queryApiOptionsFromConfig, queryServiceConfigSchema, storageOptionsFromConfig } from './query-config.schema';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(queryServiceConfigSchema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('query service configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(queryServiceConfigSchema, { CLICKHOUSE_DATA_DIR: '/var/lib/tb' });
    expect(config).toEqual({
      PORT: 4002,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      CLICKHOUSE_URL: undefined,
      CLICKHOUSE_DATA_DIR: '/var/lib/tb',
      CLICKHOUSE_USER: undefined,
      CLICKHOUSE_PASSWORD: undefined,
      CLICKHOUSE_DATABASE: 'temporal_bridge',
      API_KEYS: [],
      CORS_ORIGINS: [],
      QUERY_TIMEOUT_MS: 10_000,
      MAX_RESULT_ROWS: 10_000,
      DEFAULT_LIMIT: 1000,
      MAX_RANGE_SECONDS: 86_400,
    });
    expect(storageOptionsFromConfig(config)).toEqual({
      clickhouse: { kind: 'embedded', dataDir: '/var/lib/tb' },
      database: 'temporal_bridge',
      queryTimeoutMs: 10_000,
      maxResultRows: 10_000,
    });
  });

  it('reads a server target, keys, origins and limits', () => {
    const config = loadConfig(queryServiceConfigSchema, {
      CLICKHOUSE_URL: 'https://ch.example:8443',
      CLICKHOUSE_USER: 'reader',
      CLICKHOUSE_PASSWORD: 's3cret',
      API_KEYS: 'a, b',
      CORS_ORIGINS: 'https://ui.example',
      MAX_RESULT_ROWS: '500',
      DEFAULT_LIMIT: '50',
      MAX_RANGE_SECONDS: '60',
      QUERY_TIMEOUT_MS: '2500',
    });
    expect(storageOptionsFromConfig(config).clickhouse).toEqual({
      kind: 'server',
      url: 'https://ch.example:8443',
      username: 'reader',
      password: 's3cret',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://ui.example']);
    expect(queryApiOptionsFromConfig(config)).toEqual({
      apiKeys: ['a', 'b'],
      queryTimeoutMs: 2500,
      limits: { defaultLimit: 50, maxResultRows: 500, maxRangeSeconds: 60 },
    });
  });

  it('requires exactly one ClickHouse target', () => {
    expect(problems({})).toEqual([
      'CLICKHOUSE_URL: is required, or CLICKHOUSE_DATA_DIR (embedded ClickHouse in a data directory): set exactly one',
    ]);
    expect(problems({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_DATA_DIR: '/d' })).toEqual([
      'CLICKHOUSE_DATA_DIR: cannot be set together with CLICKHOUSE_URL: set exactly one',
    ]);
  });

  it('names each bad variable', () => {
    const found = problems({
      CLICKHOUSE_DATA_DIR: '/d',
      PORT: 'eighty',
      MAX_RESULT_ROWS: '0',
      LOG_LEVEL: 'loud',
      CLICKHOUSE_DATABASE: 'x; DROP',
    }).join('\n');
    expect(found).toMatch(/^PORT: must be an integer, got "eighty"$/m);
    expect(found).toMatch(/^MAX_RESULT_ROWS: must be at least 1$/m);
    expect(found).toMatch(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/m);
    expect(found).toMatch(/^CLICKHOUSE_DATABASE: must be a plain identifier/m);
    expect(problems({ CLICKHOUSE_DATA_DIR: '/d', DEFAULT_LIMIT: '2000', MAX_RESULT_ROWS: '1000' })).toEqual([
      'DEFAULT_LIMIT: must not exceed MAX_RESULT_ROWS (1000), got 2000',
    ]);
  });

  it('CLICKHOUSE_CLUSTER selects the cluster layout, only on a server', () => {
    const config = loadConfig(queryServiceConfigSchema, {
      CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_CLUSTER: 'temporal',
    });
    expect(storageOptionsFromConfig(config).cluster).toBe('temporal');
    expect(problems({ CLICKHOUSE_DATA_DIR: '/d', CLICKHOUSE_CLUSTER: 'temporal' })).toEqual([
      'CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (a server of that cluster); embedded ClickHouse has no cluster',
    ]);
  });
});
