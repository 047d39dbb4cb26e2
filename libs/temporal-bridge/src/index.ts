export { TemporalBridge } from './temporal-bridge';
export type { TemporalBridgeOptions } from './temporal-bridge.options';
export { TemporalBridgeModule } from './nest/temporal-bridge.module';
export type { TemporalBridgeModuleAsyncOptions } from './nest/temporal-bridge.module';
export type {
  IngestObserver,
  IngestOptions,
  SubmitOptions,
  SubmitReject,
  SubmitResult,
} from './buffer/ingest-pipeline';
export type { StorageReject } from './buffer/batch-flusher';
export type { CacheOp, CacheResult, CallRecord, CorrelationCache } from './correlation/correlation-cache';
export { DEFAULT_CORRELATION_TTL_SECONDS } from './correlation/correlation-cache';
export { MemoryCorrelationCache } from './correlation/memory-correlation.cache';
export type { MemoryCorrelationCacheOptions } from './correlation/memory-correlation.cache';
export { REDIS_CLIENT_DEFAULTS, RedisCorrelationCache } from './correlation/redis-correlation.cache';
export type { RedisCorrelationCacheOptions } from './correlation/redis-correlation.cache';
export { Correlator } from './correlation/correlator';
export type { CallLookup, RecoveryReport } from './correlation/correlator';
export {
  BridgeNameTakenError,
  BridgeStoppedError,
  CorrelationCacheError,
  EventNotFoundError,
  FlushTimeoutError,
  InvalidEventError,
  NotRegisteredError,
  TemporalBridgeError,
} from './errors';
export type { BridgeStats, TemporalBridgeStats } from './stats/bridge-stats';
export type { BridgeStorage } from './storage/bridge-storage';
export { InvalidQueryError, toNanos, toRange } from './timestamp-input';
export type { TimestampInput } from './timestamp-input';
