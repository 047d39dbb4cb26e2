// Public entry of @temporal-bridge/temporal-storage.
export { MAX_HISTOGRAM_BUCKETS, TemporalStorage } from './temporal-storage';
export type { EncodedEvents } from './temporal-storage';
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
  ActiveAstNodes,
  ActiveCall,
  AstNodeLocation,
  AstNodeStats,
  AstNodeStatsList,
  AstNodeStatsOptions,
  AstNodeStatsSort,
  BridgeReport,
  ClickHouseConnectionConfig,
  EventPage,
  ExecutionPath,
  PageOptions,
  PathStep,
  QueryOptions,
  RangeOptions,
  StateEntry,
  StateOptions,
  StateSnapshot,
  StorageStats,
  StoredCall,
  TemporalStorageOptions,
  TraceListOptions,
  TracePage,
  TraceRoot,
  TraceSummary,
} from './storage.types';
export type { CallPage, CallsOptions, EventHistogram, HistogramOptions, WindowCall } from './timeline.types';
