import type {
  ActiveAstNodes,
  AstNodeLocation,
  AstNodeStatsList,
  AstNodeStatsOptions,
  EventPage,
  ExecutionPath,
  PageOptions,
  QueryOptions,
  RangeOptions,
  StateOptions,
  StateSnapshot,
  StorageStats,
  TraceListOptions,
  TracePage,
} from '@temporal-bridge/temporal-storage';

import type { TimelineStorage } from './timeline-storage';

/** A bridge replica's latest self-reported stats, as stored by the bridge. */
export interface BridgeReport {
  instance: string;
  /** Nanoseconds since the epoch. */
  reported_at: bigint;
  stats: Record<string, unknown>;
}

/**
 * What the query API needs from storage. TemporalStorage satisfies it; the
 * port keeps the API testable with a stand-in (e.g. one that fails on demand)
 * and lists exactly the primitives the routes use.
 */
export interface QueryStorage extends TimelineStorage {
  getEventsInRange(from: bigint, to: bigint, options?: RangeOptions): Promise<EventPage>;
  getEventsForAstNode(astNodeId: string, options?: PageOptions): Promise<EventPage>;
  getEventsForCorrelation(correlationId: string, options?: PageOptions): Promise<EventPage>;
  getEventsForTrace(traceId: string, options?: PageOptions): Promise<EventPage>;
  listTraces(from: bigint, to: bigint, options?: TraceListOptions): Promise<TracePage>;
  findActiveAstNodes(from: bigint, to: bigint, options?: QueryOptions & { limit?: number }): Promise<ActiveAstNodes>;
  getAstNodeLocations(astNodeId: string, options?: QueryOptions): Promise<AstNodeLocation[]>;
  getAstNodeStats(from: bigint, to: bigint, options?: AstNodeStatsOptions): Promise<AstNodeStatsList>;
  reconstructStateAt(at: bigint, options?: StateOptions): Promise<StateSnapshot>;
  traceExecutionPath(eventId: string, options?: QueryOptions): Promise<ExecutionPath | undefined>;
  getStats(): Promise<StorageStats>;
  listBridgeReports(options?: { maxAgeMs?: number }): Promise<BridgeReport[]>;
  ping(): Promise<void>;
}
