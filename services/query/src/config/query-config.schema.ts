import { envInt, envList, envString, envUrl } from '@temporal-bridge/service-kit';
import type { TemporalStorageOptions } from '@temporal-bridge/temporal-storage';
import { z } from 'zod';

import type { QueryApiOptions } from '../api/query-api.options';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where ClickHouse is (exactly one of URL or data dir) and how to log in. */
export const clickHouseEnvShape = {
  CLICKHOUSE_URL: envUrl(['http:', 'https:']),
  CLICKHOUSE_DATA_DIR: envString(),
  CLICKHOUSE_USER: envString(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: envString('temporal_bridge').pipe(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a plain identifier (letters, digits, _)' }),
  ),
};

/**
 * A ClickHouse cluster to lay the tables out on (libs/temporal-storage
 * README, "Cluster layout"); unset: one server. Needs CLICKHOUSE_URL.
 */
export const clickHouseClusterEnv = envString().pipe(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
      error: 'must be a cluster name from remote_servers (a plain identifier)',
    })
    .optional(),
);

/** CLICKHOUSE_CLUSTER only with a server: embedded ClickHouse is one process. */
export function checkClickHouseCluster(
  config: { CLICKHOUSE_CLUSTER?: string; CLICKHOUSE_URL?: string },
  ctx: z.RefinementCtx,
): void {
  if (config.CLICKHOUSE_CLUSTER !== undefined && config.CLICKHOUSE_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['CLICKHOUSE_CLUSTER'],
      message: 'needs CLICKHOUSE_URL (a server of that cluster); embedded ClickHouse has no cluster',
    });
  }
}

/** What the API's behaviour depends on; standalone composes these into its own schema. */
export const queryApiEnvShape = {
  API_KEYS: envList(),
  CORS_ORIGINS: envList(),
  QUERY_TIMEOUT_MS: envInt(10_000, { min: 1, max: 3_600_000 }),
  MAX_RESULT_ROWS: envInt(10_000, { min: 1, max: 1_000_000 }),
  DEFAULT_LIMIT: envInt(1000, { min: 1, max: 1_000_000 }),
  MAX_RANGE_SECONDS: envInt(86_400, { min: 1 }),
};

/**
 * The query service's environment (docs/architecture.md, Running; services/query/README.md).
 * Parse it with service-kit's loadConfig: a bad value names its variable.
 */
export const queryServiceConfigSchema = z
  .object({
    PORT: envInt(4002, { min: 0, max: 65_535 }),
    HOST: envString('0.0.0.0'),
    LOG_LEVEL: envString('info').pipe(
      z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` }),
    ),
    ...clickHouseEnvShape,
    CLICKHOUSE_CLUSTER: clickHouseClusterEnv,
    ...queryApiEnvShape,
  })
  .superRefine(checkClickHouseTarget)
  .superRefine(checkClickHouseCluster)
  .superRefine(checkLimits);

export type QueryServiceConfig = z.output<typeof queryServiceConfigSchema>;

/** Exactly one of CLICKHOUSE_URL and CLICKHOUSE_DATA_DIR. */
export function checkClickHouseTarget(
  config: { CLICKHOUSE_URL?: string; CLICKHOUSE_DATA_DIR?: string },
  ctx: z.RefinementCtx,
): void {
  const given = [config.CLICKHOUSE_URL, config.CLICKHOUSE_DATA_DIR].filter((v) => v !== undefined).length;
  if (given === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['CLICKHOUSE_URL'],
      message: 'is required, or CLICKHOUSE_DATA_DIR (embedded ClickHouse in a data directory): set exactly one',
    });
  } else if (given === 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['CLICKHOUSE_DATA_DIR'],
      message: 'cannot be set together with CLICKHOUSE_URL: set exactly one',
    });
  }
}

/** DEFAULT_LIMIT within MAX_RESULT_ROWS, or every request without a limit would be refused. */
export function checkLimits(config: { DEFAULT_LIMIT: number; MAX_RESULT_ROWS: number }, ctx: z.RefinementCtx): void {
  if (config.DEFAULT_LIMIT > config.MAX_RESULT_ROWS) {
    ctx.addIssue({
      code: 'custom',
      path: ['DEFAULT_LIMIT'],
      message: `must not exceed MAX_RESULT_ROWS (${config.MAX_RESULT_ROWS}), got ${config.DEFAULT_LIMIT}`,
    });
  }
}

/** QueryApiOptions from the parsed environment. */
export function queryApiOptionsFromConfig(config: z.output<z.ZodObject<typeof queryApiEnvShape>>): QueryApiOptions {
  return {
    apiKeys: config.API_KEYS,
    queryTimeoutMs: config.QUERY_TIMEOUT_MS,
    limits: {
      defaultLimit: config.DEFAULT_LIMIT,
      maxResultRows: config.MAX_RESULT_ROWS,
      maxRangeSeconds: config.MAX_RANGE_SECONDS,
    },
  };
}

/** TemporalStorage.open options from the parsed environment (limits and timeout passed down to storage). */
export function storageOptionsFromConfig(config: QueryServiceConfig): TemporalStorageOptions {
  const clickhouse: TemporalStorageOptions['clickhouse'] =
    config.CLICKHOUSE_URL !== undefined
      ? {
          kind: 'server',
          url: config.CLICKHOUSE_URL,
          username: config.CLICKHOUSE_USER,
          password: config.CLICKHOUSE_PASSWORD,
        }
      : { kind: 'embedded', dataDir: config.CLICKHOUSE_DATA_DIR ?? '' };
  return {
    clickhouse,
    database: config.CLICKHOUSE_DATABASE,
    cluster: config.CLICKHOUSE_CLUSTER,
    queryTimeoutMs: config.QUERY_TIMEOUT_MS,
    maxResultRows: config.MAX_RESULT_ROWS,
  };
}
