import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  BRIDGE_STATS_SOURCE,
  QueryApiModule,
  queryApiOptionsFromConfig,
  TEMPORAL_STORAGE,
} from '@temporal-bridge/query';
import { HealthModule, HealthService, MetricsModule } from '@temporal-bridge/service-kit';
import { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { TemporalStorage } from '@temporal-bridge/temporal-storage';

import type { StandaloneConfig } from '../config/standalone.config';
import { IngestController } from '../ingest/ingest.controller';
import { IngestService } from '../ingest/ingest.service';
import { OtlpModule } from '../otlp/otlp.module';
import { STANDALONE_CONFIG, STANDALONE_STORAGE } from './tokens';

/**
 * Owns the bridge and the storage of the process: readiness includes the
 * bridge's writes, and shutdown flushes the bridge before closing storage
 * (after the HTTP server stopped taking requests).
 */
@Injectable()
class StandaloneRuntime implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(TemporalBridge) private readonly bridge: TemporalBridge,
    @Inject(STANDALONE_STORAGE) private readonly storage: TemporalStorage,
    @Inject(HealthService) private readonly health: HealthService,
  ) {}

  onModuleInit(): void {
    this.health.register('flush', async () => {
      const stats = this.bridge.localStats();
      if (stats.retrying) throw new Error(`writes failing: ${stats.last_flush_error ?? 'unknown error'}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bridge.stop();
    await this.storage.close();
  }
}

/**
 * Standalone mode: the query service's /v1 API (same module, same code) plus
 * HTTP ingest, over one embedded storage and one in-process bridge.
 */
@Module({})
export class StandaloneModule {
  static forRoot(options: {
    config: StandaloneConfig;
    storage: TemporalStorage;
    bridge: TemporalBridge;
  }): DynamicModule {
    const { config, storage, bridge } = options;
    return {
      module: StandaloneModule,
      imports: [
        HealthModule.forRoot(),
        MetricsModule.forRoot({ prefix: 'tb_standalone_' }),
        QueryApiModule.forRoot({
          ...queryApiOptionsFromConfig(config),
          metricsPrefix: 'tb_standalone_',
          providers: [
            { provide: TEMPORAL_STORAGE, useValue: storage },
            { provide: BRIDGE_STATS_SOURCE, useValue: { getBridgeStats: async () => bridge.localStats() } },
          ],
        }),
        OtlpModule.forRoot({ config, bridge, metricsPrefix: 'tb_standalone_' }),
      ],
      controllers: [IngestController],
      providers: [
        { provide: STANDALONE_CONFIG, useValue: config },
        { provide: STANDALONE_STORAGE, useValue: storage },
        { provide: TemporalBridge, useValue: bridge },
        IngestService,
        StandaloneRuntime,
      ],
    };
  }
}
