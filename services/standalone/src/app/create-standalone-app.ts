import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureQueryApp, createApiFastifyApp, serveCinemaUi } from '@temporal-bridge/query';
import { MemoryCorrelationCache, TemporalBridge, type IngestObserver } from '@temporal-bridge/temporal-bridge';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import type { Logger } from 'pino';

import type { StandaloneConfig } from '../config/standalone.config';
import { registerIngestAdmission } from '../ingest/ingest-admission';
import { registerNdjsonParser } from '../ingest/ndjson';
import { registerOtlpHttp } from '../otlp/otlp-http.parsers';
import { StandaloneModule } from './standalone.module';

/**
 * Standalone mode as an application (not yet listening): embedded ClickHouse
 * in DATA_DIR/clickhouse, an in-memory correlation cache, one bridge.
 * Closing the application flushes the bridge and closes storage.
 */
export async function createStandaloneApp(config: StandaloneConfig, logger: Logger): Promise<NestFastifyApplication> {
  const dataDir = join(config.DATA_DIR, 'clickhouse');
  await mkdir(dataDir, { recursive: true });
  const storage = await TemporalStorage.open({
    clickhouse: { kind: 'embedded', dataDir },
    retentionDays: config.RETENTION_DAYS,
    queryTimeoutMs: config.QUERY_TIMEOUT_MS,
    maxResultRows: config.MAX_RESULT_ROWS,
  });
  let bridge: TemporalBridge | undefined;
  try {
    bridge = await TemporalBridge.start({
      temporalStorage: storage,
      correlationCache: new MemoryCorrelationCache({ maxEntries: config.CORRELATION_CACHE_ENTRIES }),
      bufferSize: config.BUFFER_SIZE,
      flushIntervalMs: config.FLUSH_INTERVAL_MS,
      flushConcurrency: config.FLUSH_CONCURRENCY,
      maxBufferedEvents: config.MAX_BUFFERED_EVENTS,
      maxDataBytes: config.MAX_EVENT_DATA_BYTES,
      // Out-of-window timestamps are rejected by index instead of stored and deleted.
      timestampWindow: { retentionDays: config.RETENTION_DAYS, maxClockSkewSeconds: config.MAX_CLOCK_SKEW_SECONDS },
      stopTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      observer: standaloneObserver(logger),
    });
    const app = await createApiFastifyApp(StandaloneModule.forRoot({ config, storage, bridge }), {
      logger,
      bodyLimit: config.INGEST_MAX_BODY_BYTES,
    });
    // Before the OTLP hooks, so a gzip body is counted in the bytes that arrive.
    registerIngestAdmission(app, config.INGEST_MAX_PENDING_BYTES);
    registerNdjsonParser(app);
    registerOtlpHttp(app);
    configureQueryApp(app, {
      corsOrigins: config.CORS_ORIGINS,
      title: 'temporal-bridge standalone',
      description:
        'Standalone mode: HTTP ingest and the Cinema API over embedded ClickHouse. Timestamps are int64 nanoseconds since the Unix epoch, as decimal strings (ingest and queries also accept RFC 3339 with a zone and up to nanosecond precision). Ingest rejects, by index, an explicit timestamp before the retention window (RETENTION_DAYS), more than MAX_CLOCK_SKEW_SECONDS in the future, or in an obviously wrong unit (seconds, milliseconds, microseconds, 0), naming the likely mistake. Errors are JSON {error, message} with a stable `error` code.',
    });
    await serveCinemaUi(app);
    return app;
  } catch (error) {
    await bridge?.stop();
    await storage.close();
    throw error;
  }
}

/** What the bridge reports that a person running standalone must see in the log. */
function standaloneObserver(logger: Logger): IngestObserver {
  return {
    correlationRecovery: ({ unrecovered }) => {
      if (unrecovered.length > 0)
        logger.warn(
          { unrecovered: unrecovered.length, correlationIds: unrecovered.slice(0, 20) },
          'calls unknown to the correlation cache (restart) and to storage: their events stay without trace id or duration',
        );
    },
    storageRejected: (rejects) =>
      logger.warn(
        { events: rejects.length, reason: rejects[0]?.reason },
        'ClickHouse refused events; rejected by index',
      ),
    unstoredAtStop: (info) => logger.error(info, 'stopped with events not stored (storage down): they are lost'),
  };
}
