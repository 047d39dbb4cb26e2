import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of the service's prom-client Registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Controller()
class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * GET /metrics in Prometheus text format, from a registry private to the
 * application (so two apps in one test process never share counters), with
 * Node process metrics included.
 *
 * @example
 * MetricsModule.forRoot({ prefix: 'tb_query_' })
 */
@Module({})
export class MetricsModule {
  static forRoot(options: { prefix?: string } = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry, prefix: options.prefix });
            return registry;
          },
        },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
