import {
  Inject,
  Module,
  Optional,
  type DynamicModule,
  type ModuleMetadata,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { HealthService } from '@temporal-bridge/service-kit';

import { AstNodesController } from '../ast-nodes/ast-nodes.controller';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CorrelationsController } from '../correlations/correlations.controller';
import { ApiExceptionFilter } from '../errors/api-exception.filter';
import { EventsController } from '../events/events.controller';
import { ExportController } from '../export/export.controller';
import { HttpMetricsRecorder } from '../metrics/http-metrics.recorder';
import { StateController } from '../state/state.controller';
import { StoredBridgeReports } from '../stats/bridge-stats.source';
import { StatsController } from '../stats/stats.controller';
import { StorageQueries } from '../storage/storage-queries';
import { TracesController } from '../traces/traces.controller';
import { CallsController } from '../timeline/calls.controller';
import { HistogramController } from '../timeline/histogram.controller';
import type { QueryApiOptions } from './query-api.options';
import { QUERY_API_OPTIONS, TEMPORAL_STORAGE } from './query-api.tokens';
import type { QueryStorage } from './query-storage';

/** QueryApiOptions plus where the module finds TEMPORAL_STORAGE (and, optionally, BRIDGE_STATS_SOURCE). */
export interface QueryApiModuleOptions extends QueryApiOptions {
  /** Modules exporting TEMPORAL_STORAGE / BRIDGE_STATS_SOURCE (not needed when a global module provides them). */
  imports?: ModuleMetadata['imports'];
  /** Or the providers themselves, e.g. `{ provide: TEMPORAL_STORAGE, useValue: storage }`. */
  providers?: Provider[];
}

/**
 * The Cinema REST API (every GET /v1 route of docs/architecture.md) over a
 * TemporalStorage taken from the TEMPORAL_STORAGE token: controllers, zod
 * validation, the JSON error filter and the API key guard (both app-wide, so
 * routes another module adds under /v1, like standalone's ingest, get the
 * same errors and the same keys), HTTP and storage metrics (needs
 * MetricsModule), and a `clickhouse` readiness check when HealthModule is
 * present. Pair it with `configureQueryApp` for CORS and /docs.
 *
 * @example
 * QueryApiModule.forRoot({
 *   ...queryApiOptionsFromConfig(config),
 *   providers: [{ provide: TEMPORAL_STORAGE, useValue: storage }],
 * })
 */
// Every injection names its token (@Inject), so the module also runs where
// no decorator metadata is emitted (tsx/esbuild: benchmarks, scripts).
@Module({})
export class QueryApiModule implements OnModuleInit {
  constructor(
    @Inject(TEMPORAL_STORAGE) private readonly storage: QueryStorage,
    @Optional() @Inject(HealthService) private readonly health?: HealthService,
  ) {}

  static forRoot(options: QueryApiModuleOptions): DynamicModule {
    const { imports = [], providers = [], ...api } = options;
    return {
      module: QueryApiModule,
      imports,
      controllers: [
        ExportController,
        HistogramController,
        CallsController,
        EventsController,
        AstNodesController,
        CorrelationsController,
        StateController,
        StatsController,
        TracesController,
      ],
      providers: [
        ...providers,
        { provide: QUERY_API_OPTIONS, useValue: api },
        StorageQueries,
        StoredBridgeReports,
        HttpMetricsRecorder,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [QUERY_API_OPTIONS, StorageQueries],
    };
  }

  onModuleInit(): void {
    this.health?.register('clickhouse', () => this.storage.ping());
  }
}
