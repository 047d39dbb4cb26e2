// Public entry of @temporal-bridge/temporal-storage.
export { MAX_HISTOGRAM_BUCKETS, TemporalStorage } from './temporal-storage';
export {
  InvalidArgumentError,
  InvalidCursorError,
  MigrationError,
  QueryAbortedError,
  QueryTimeoutError,
  StorageDataError,
  StorageError,
  StorageUnavailableError,
} from './errors';
export type {
  ActiveCall,
  BridgeReport,
  ClickHouseConnectionConfig,
  EventPage,
  ExecutionPath,
  PageOptions,
  PathStep,
  QueryOptions,
  RangeOptions,
  StateOptions,
  StateSnapshot,
  StorageStats,
  StoredCall,
  TemporalStorageOptions,
} from './storage.types';
export type { CallPage, CallsOptions, EventHistogram, HistogramOptions, WindowCall } from './timeline.types';
