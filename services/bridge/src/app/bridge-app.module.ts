import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, MetricsModule } from '@temporal-bridge/service-kit';
import { TemporalBridgeModule, type TemporalBridgeOptions } from '@temporal-bridge/temporal-bridge';
import type { TemporalStorageOptions } from '@temporal-bridge/temporal-storage';
import type { Logger } from 'pino';

import type { BridgeConfig } from '../config/bridge.config';
import { KafkaIngestConsumer } from '../ingest/kafka-ingest.consumer';
import { BridgeMetrics } from '../metrics/bridge-metrics';
import { OtlpKafkaConsumer } from '../otlp/otlp-kafka.consumer';
import { BridgeReporter } from '../reporting/bridge-reporter';
import { BRIDGE_CONFIG, BRIDGE_LOGGER } from './tokens';

@Global()
@Module({ providers: [BridgeMetrics], exports: [BridgeMetrics] })
class BridgeMetricsModule {}

/** Storage as configured: a ClickHouse server, or an embedded data directory. */
export function storageOptions(config: BridgeConfig): TemporalStorageOptions {
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
    retentionDays: config.RETENTION_DAYS,
  };
}

export function bridgeOptions(config: BridgeConfig, metrics: BridgeMetrics, logger?: Logger): TemporalBridgeOptions {
  return {
    temporalStorage: storageOptions(config),
    correlationCache: {
      redis: config.REDIS_URL,
      keyPrefix: config.REDIS_KEY_PREFIX,
      ttlSeconds: config.CORRELATION_TTL_SECONDS,
    },
    bufferSize: config.BUFFER_SIZE,
    flushIntervalMs: config.FLUSH_INTERVAL_MS,
    flushConcurrency: config.FLUSH_CONCURRENCY,
    maxBufferedEvents: config.MAX_BUFFERED_EVENTS,
    maxDataBytes: config.MAX_EVENT_DATA_BYTES,
    // Out-of-window timestamps are rejected, hence dead-lettered with the reason.
    timestampWindow: { retentionDays: config.RETENTION_DAYS, maxClockSkewSeconds: config.MAX_CLOCK_SKEW_SECONDS },
    stopTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    observer: {
      ...metrics.observer,
      correlationRecovery: (report) => {
        metrics.observer.correlationRecovery?.(report);
        // Which calls lost their trace or duration for good: say it, by id (a few).
        if (report.unrecovered.length > 0)
          logger?.warn(
            { unrecovered: report.unrecovered.length, correlationIds: report.unrecovered.slice(0, 20) },
            'correlation state lost (Redis) and not in storage: these calls stay without trace id or duration',
          );
      },
      // Not committed, so consumed again after the restart: a warning, not a loss.
      unstoredAtStop: (info) =>
        logger?.warn(info, 'stopped with events not stored (storage down); their offsets are not committed'),
    },
  };
}

/**
 * The bridge service: Kafka consumer -> TemporalBridge (Redis correlation,
 * ClickHouse storage), with /healthz, /readyz and /metrics on HTTP.
 */
@Module({})
export class BridgeAppModule {
  static forRoot(config: BridgeConfig, logger: Logger): DynamicModule {
    return {
      module: BridgeAppModule,
      imports: [
        HealthModule.forRoot(),
        MetricsModule.forRoot({ prefix: 'tb_bridge_' }),
        BridgeMetricsModule,
        TemporalBridgeModule.forRootAsync({
          inject: [BridgeMetrics],
          useFactory: (metrics: BridgeMetrics) => bridgeOptions(config, metrics, logger),
        }),
      ],
      providers: [
        { provide: BRIDGE_CONFIG, useValue: config },
        { provide: BRIDGE_LOGGER, useValue: logger },
        KafkaIngestConsumer,
        OtlpKafkaConsumer,
        BridgeReporter,
      ],
    };
  }
}
