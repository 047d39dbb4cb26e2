import { Module, type DynamicModule } from '@nestjs/common';
import { METRICS_REGISTRY } from '@temporal-bridge/service-kit';
import { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Registry } from 'prom-client';

import { STANDALONE_CONFIG } from '../app/tokens';
import type { StandaloneConfig } from '../config/standalone.config';
import { OtlpController } from './otlp.controller';
import { OtlpMetrics } from './otlp.metrics';
import { OTLP_METRICS, OtlpIngestService } from './otlp-ingest.service';

/** OTLP/HTTP receiver of standalone mode, on the process's bridge. */
@Module({})
export class OtlpModule {
  static forRoot(options: { config: StandaloneConfig; bridge: TemporalBridge; metricsPrefix: string }): DynamicModule {
    return {
      module: OtlpModule,
      controllers: [OtlpController],
      providers: [
        { provide: STANDALONE_CONFIG, useValue: options.config },
        { provide: TemporalBridge, useValue: options.bridge },
        {
          provide: OTLP_METRICS,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new OtlpMetrics(registry, options.metricsPrefix),
        },
        OtlpIngestService,
      ],
    };
  }
}
