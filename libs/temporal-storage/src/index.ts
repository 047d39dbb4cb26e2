// Public entry of @temporal-bridge/temporal-storage.
export { TemporalStorage } from './temporal-storage';
export {
  InvalidArgumentError,
  InvalidCursorError,
  MigrationError,
  QueryAbortedError,
  QueryTimeoutError,
  StorageError,
  StorageUnavailableError,
} from './errors';
export type {
  ActiveCall,
  AstNodeLocation,
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
  TemporalStorageOptions,
  TraceListOptions,
  TracePage,
  TraceRoot,
  TraceSummary,
} from './storage.types';
