import type { TemporalEvent } from '@temporal-bridge/event-schema';
import type {
  BridgeReport,
  EventPage,
  ExecutionPath,
  PageOptions,
  QueryOptions,
  RangeOptions,
  StateOptions,
  StateSnapshot,
  StorageStats,
  StoredCall,
} from '@temporal-bridge/temporal-storage';

/**
 * What the bridge needs from storage: TemporalStorage satisfies it. Kept as a
 * port so the bridge depends on behaviour, not on a ClickHouse client.
 */
export interface BridgeStorage {
  insertEvents(events: readonly TemporalEvent[]): Promise<void>;
  getEventsInRange(from: bigint, to: bigint, options?: RangeOptions): Promise<EventPage>;
  getEventsForAstNode(astNodeId: string, options?: PageOptions): Promise<EventPage>;
  getEventsForCorrelation(correlationId: string, options?: PageOptions): Promise<EventPage>;
  getActiveAstNodes(from: bigint, to: bigint, options?: QueryOptions): Promise<string[]>;
  reconstructStateAt(at: bigint, options?: StateOptions): Promise<StateSnapshot>;
  traceExecutionPath(target: TemporalEvent | string, options?: QueryOptions): Promise<ExecutionPath | undefined>;
  getStats(): Promise<StorageStats>;
  /** Optional: stored entries by correlation_id, so correlation recovers what the cache lost. */
  findCalls?(correlationIds: readonly string[]): Promise<Map<string, StoredCall>>;
  /** Optional: where a replica publishes its stats for the fleet view. */
  recordBridgeReport?(report: BridgeReport): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
