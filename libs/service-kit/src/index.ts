export {
  ConfigError,
  envBool,
  envInt,
  envList,
  envRequired,
  envString,
  envUrl,
  loadConfig,
} from './config/load-config';
export { HealthModule, HealthService } from './health/health.module';
export type { ReadinessCheck } from './health/health.module';
export { createFastifyApp, loadOrExit, runService } from './lifecycle/service-runner';
export type { FastifyAppOptions } from './lifecycle/service-runner';
export { createLogger, PinoLoggerService } from './logging/pino-logger';
export { applyHeapGrowth, heapGrowthFlag } from './runtime/heap-growth';
export { METRICS_REGISTRY, MetricsModule } from './metrics/metrics.module';
