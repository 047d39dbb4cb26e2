import { hostname } from 'node:os';

import { DEFAULT_MAX_CLOCK_SKEW_SECONDS } from '@temporal-bridge/event-schema';
import { envBool, envInt, envRequired, envString, envUrl, loadConfig } from '@temporal-bridge/service-kit';
import { z } from 'zod';

/**
 * The bridge service's environment (see README, "Configuration"). Parsed
 * once at start; a bad value stops the process naming the variable.
 */
export const bridgeEnvSchema = z
  .object({
    KAFKA_BROKERS: envRequired('comma-separated host:port list').pipe(
      z.string().transform((text, ctx) => {
        const brokers = text
          .split(',')
          .map((b) => b.trim())
          .filter((b) => b.length > 0);
        const bad = brokers.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
        if (brokers.length === 0 || bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `must be host:port[,host:port...], bad entries: ${bad.join(', ') || '(none given)'}`,
          });
        }
        return brokers;
      }),
    ),
    KAFKA_TOPIC: envString('temporal.events'),
    KAFKA_GROUP_ID: envString('temporal-bridge'),
    KAFKA_DLQ_TOPIC: envString('temporal.events.dlq'),
    KAFKA_CLIENT_ID: envString(`temporal-bridge-${hostname()}`),
    // OTLP as the OpenTelemetry Collector's Kafka exporter writes it; off when unset.
    KAFKA_OTLP_TOPIC: envString(),
    KAFKA_OTLP_ENCODING: envString('otlp_proto').pipe(
      z.enum(['otlp_proto', 'otlp_json'], {
        error: 'must be otlp_proto or otlp_json (the Collector exporter encodings)',
      }),
    ),
    KAFKA_OTLP_GROUP_ID: envString(),
    KAFKA_SSL: envBool(false),
    KAFKA_SASL_MECHANISM: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'must be plain, scram-sha-256 or scram-sha-512' })
        .optional(),
    ),
    KAFKA_SASL_USERNAME: envString(),
    KAFKA_SASL_PASSWORD: envString(),
    KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000, max: 300_000 }),
    KAFKA_HEARTBEAT_INTERVAL_MS: envInt(3_000, { min: 100, max: 60_000 }),
    KAFKA_PARTITIONS_CONCURRENTLY: envInt(64, { min: 1, max: 1024 }),
    // Fetch sizes: 0 derives them from MAX_BUFFERED_EVENTS (kafkaFetchSizes, logged at start).
    KAFKA_FETCH_MAX_BYTES: envInt(0, { min: 0, max: 256 * 1_048_576 }),
    KAFKA_MAX_BYTES_PER_PARTITION: envInt(0, { min: 0, max: 64 * 1_048_576 }),
    KAFKA_MAX_WAIT_MS: envInt(100, { min: 1, max: 60_000 }),
    REDIS_URL: envRequired('redis:// or rediss:// URL of the correlation cache').pipe(
      z.string().refine((v) => /^rediss?:\/\//.test(v), { error: 'must start with redis:// or rediss://' }),
    ),
    REDIS_KEY_PREFIX: envString('tb:'),
    CORRELATION_TTL_SECONDS: envInt(3600, { min: 1 }),
    CLICKHOUSE_URL: envUrl(['http:', 'https:']),
    CLICKHOUSE_DATA_DIR: envString(),
    CLICKHOUSE_USER: envString(),
    CLICKHOUSE_PASSWORD: envString(),
    CLICKHOUSE_DATABASE: envString('temporal_bridge').pipe(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: 'must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)' }),
    ),
    // A ClickHouse cluster to lay the tables out on (libs/temporal-storage README); unset: one server.
    CLICKHOUSE_CLUSTER: envString().pipe(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
          error: 'must be a cluster name from remote_servers (a plain identifier)',
        })
        .optional(),
    ),
    RETENTION_DAYS: envInt(30, { min: 0, max: 36_500 }),
    // How far ahead of this host a producer's clock may run (see timestampWindowProblem).
    MAX_CLOCK_SKEW_SECONDS: envInt(DEFAULT_MAX_CLOCK_SKEW_SECONDS, { min: 0, max: 31_536_000 }),
    BUFFER_SIZE: envInt(1000, { min: 1, max: 1_000_000 }),
    FLUSH_INTERVAL_MS: envInt(100, { min: 1, max: 600_000 }),
    FLUSH_CONCURRENCY: envInt(1, { min: 1, max: 16 }),
    MAX_BUFFERED_EVENTS: envInt(20_000, { min: 1 }),
    // Old-generation growth allowed past the live heap before a full GC (V8 flag
    // --heap-growing-percent, set at start; 0: V8's own heuristic, which lets the heap grow
    // with the backlog's allocation rate; 25 costs GC CPU, see docs/operations.md "Memory").
    V8_HEAP_GROWING_PERCENT: envInt(25, { min: 0, max: 1_000 }),
    MAX_EVENT_DATA_BYTES: envInt(65_536, { min: 1024, max: 16 * 1_048_576 }),
    BRIDGE_INSTANCE: envString(`${hostname()}-${process.pid}`),
    REPORT_INTERVAL_MS: envInt(10_000, { min: 0, max: 3_600_000 }),
    PORT: envInt(4001, { min: 0, max: 65_535 }),
    HOST: envString('0.0.0.0'),
    SHUTDOWN_TIMEOUT_MS: envInt(30_000, { min: 1_000 }),
  })
  .superRefine((env, ctx) => {
    if ((env.CLICKHOUSE_URL === undefined) === (env.CLICKHOUSE_DATA_DIR === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_URL'],
        message: 'set exactly one of CLICKHOUSE_URL (a server) or CLICKHOUSE_DATA_DIR (embedded)',
      });
    }
    if (env.CLICKHOUSE_CLUSTER !== undefined && env.CLICKHOUSE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_CLUSTER'],
        message: 'needs CLICKHOUSE_URL (a server of that cluster); embedded ClickHouse has no cluster',
      });
    }
    if (
      env.KAFKA_SASL_MECHANISM !== undefined &&
      (env.KAFKA_SASL_USERNAME === undefined || env.KAFKA_SASL_PASSWORD === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      });
    }
    for (const name of ['KAFKA_FETCH_MAX_BYTES', 'KAFKA_MAX_BYTES_PER_PARTITION'] as const) {
      if (env[name] !== 0 && env[name] < 1024)
        ctx.addIssue({ code: 'custom', path: [name], message: 'must be 0 (derived) or at least 1024 bytes' });
    }
    if (env.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > env.KAFKA_SESSION_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
        message: 'must be at most a third of KAFKA_SESSION_TIMEOUT_MS',
      });
    }
  });

export type BridgeConfig = z.output<typeof bridgeEnvSchema>;

export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  return loadConfig(bridgeEnvSchema, env);
}
