import type { JsonValue, TemporalEvent } from '@temporal-bridge/event-schema';

/** Where ClickHouse is: a server (production) or an embedded data directory (chdb). */
export type ClickHouseConnectionConfig =
  | {
      kind: 'server';
      /** e.g. http://clickhouse:8123 or https://... */
      url: string;
      username?: string;
      password?: string;
    }
  | {
      kind: 'embedded';
      /** Held exclusively by one process (chdb locks it). */
      dataDir: string;
      /**
       * chdb sessions opened on the directory. One session runs one query at a
       * time, so two let an insert and a query (or two inserts) use both cores
       * of a small machine. Default 2.
       */
      sessions?: number;
    };

export interface TemporalStorageOptions {
  clickhouse: ClickHouseConnectionConfig;
  /** Database holding the tables; created if missing. Default `temporal_bridge`. */
  database?: string;
  /**
   * A ClickHouse cluster (a name in the servers' `remote_servers`) to lay the
   * tables out on: replicated tables per shard, Distributed tables over them,
   * migrations ON CLUSTER (README, "Cluster layout"). Unset: one server.
   */
  cluster?: string;
  /** Retention as a TTL on event time, in days. Default 30; 0 keeps events forever. */
  retentionDays?: number;
  /** Server-side limit for one query (max_execution_time). Default 10 000 ms. */
  queryTimeoutMs?: number;
  /** Hard cap on rows one query may return. Default 10 000. */
  maxResultRows?: number;
}

/** Paging through an ordered result: pass `next_cursor` back as `cursor`. */
export interface PageOptions {
  /** Rows per page; default and maximum are `maxResultRows`. */
  limit?: number;
  /** Opaque; from a previous page's `next_cursor`. */
  cursor?: string;
  /** Cancels the query (client and server side). */
  signal?: AbortSignal;
}

export interface EventPage {
  /** Ordered by timestamp, then seq (absent first), then event_id. */
  events: TemporalEvent[];
  /** null when this page is the last. */
  next_cursor: string | null;
}

export interface RangeOptions extends PageOptions {
  service?: string;
}

export interface QueryOptions {
  signal?: AbortSignal;
}

/** A call entered at or before the instant with no matching exit at or before it. */
export interface ActiveCall {
  correlation_id: string;
  ast_node_id?: string;
  parent_id?: string;
  trace_id?: string;
  service?: string;
  /** event_id of the function_entry. */
  entry_event_id: string;
  entry_timestamp: bigint;
  /** data.function of the entry, when given. */
  function?: string;
  module?: string;
}

/** One state key at the instant: its latest value and the event that set it. */
export interface StateEntry {
  /** Keys are per service; absent for events without a service. */
  service?: string;
  key: string;
  value: JsonValue;
  /** The state_change or variable_snapshot that set the value. */
  event_id: string;
  timestamp: bigint;
}

/** A call's stored entry, as the bridge's correlation needs it back (findCalls). */
export interface StoredCall {
  correlation_id: string;
  entry_event_id: string;
  entry_timestamp: bigint;
  trace_id?: string;
  parent_id?: string;
  ast_node_id?: string;
}

export interface StateSnapshot {
  at: bigint;
  /**
   * Every (service, key) set by state_change (data.state) or variable_snapshot
   * (data.variables) at or before `at`, with its latest value and the event that
   * set it; ordered by service then key; at most `maxResultRows`.
   */
  state: StateEntry[];
  /** True when more keys were set than `maxResultRows`. */
  state_truncated: boolean;
  /** Ordered by entry time; at most `maxResultRows`. */
  active_calls: ActiveCall[];
  /** True when more calls were open than `maxResultRows`. */
  active_calls_truncated: boolean;
}

export interface StateOptions extends QueryOptions {
  service?: string;
  trace_id?: string;
}

export interface PathStep extends TemporalEvent {
  /** The event belongs to the target's call or one of its ancestors. */
  on_stack: boolean;
}

export interface ExecutionPath {
  target: TemporalEvent;
  /** The target's trace (or correlation, without a trace id) at or before the target, ordered, target last. */
  path: PathStep[];
  /** True when the path was cut to the latest `maxResultRows` steps. */
  truncated: boolean;
}

export interface StorageStats {
  total_events: number;
  oldest_timestamp: bigint | null;
  newest_timestamp: bigint | null;
  /** Compressed bytes on disk, all tables. */
  bytes_on_disk: number;
  /** Uncompressed bytes, all tables. */
  bytes_uncompressed: number;
}

/** One bridge replica's stats as it reported them (GET /v1/stats, fleet view). */
export interface BridgeReport {
  /** Which replica, e.g. its Kafka client id. */
  instance: string;
  /** Nanoseconds since the epoch. */
  reported_at: bigint;
  stats: Record<string, unknown>;
}

/** Where an AST node is defined, from one service's latest instrumentation manifest (`tb.ast_nodes` events). */
export interface AstNodeLocation {
  /** Absent when the manifest event had no service. */
  service?: string;
  file: string;
  /** 1-based line and column of the original source. */
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  kind: string;
  name: string;
  hash: string;
  /** Timestamp of the manifest event, ns. */
  seen_at: bigint;
}

/** The root call of a trace (a call with no parent). */
export interface TraceRoot {
  correlation_id: string;
  /** event_id of its function_entry. */
  entry_event_id: string;
  ast_node_id?: string;
  service?: string;
  function?: string;
  module?: string;
}

/** One trace of listTraces. */
export interface TraceSummary {
  trace_id: string;
  root: TraceRoot;
  /** Distinct services with an event in the trace at or after its start, ascending. */
  services: string[];
  /** Entry of the root call. */
  start: bigint;
  /** The root call's duration; null while it has no exit. */
  duration_ns: bigint | null;
  /** Distinct events of the trace at or after its start. */
  events: number;
  /** Calls of the trace that failed: an `error` event, or a function_exit with data.error. */
  errors: number;
}

export interface TracePage {
  traces: TraceSummary[];
  /** null when this page is the last. */
  next_cursor: string | null;
}

export interface TraceListOptions extends PageOptions {
  /** Only traces whose root call ran in this service. */
  service?: string;
  /** true: only traces with a failed call; false: only traces without. */
  errors?: boolean;
  /** Only traces whose root call lasted at least this long (traces still open are left out). */
  minDurationNs?: bigint;
  /** `start` (default): oldest first; `duration`: longest first, open ones last. */
  sort?: 'start' | 'duration';
}

/** Call statistics of one AST node over a window (getAstNodeStats). */
export interface AstNodeStats {
  ast_node_id: string;
  /** Calls of the node entered in the window. */
  calls: number;
  /** Of those, calls that failed: an `error` event or a function_exit with data.error. */
  errors: number;
  /** Exact quantiles and maximum of the durations of those that exited; null when none did. */
  p50_ns: bigint | null;
  p95_ns: bigint | null;
  max_ns: bigint | null;
}

/** The sort keys of getAstNodeStats, each descending (ties by ast_node_id). */
export type AstNodeStatsSort = 'calls' | 'errors' | 'p50' | 'p95' | 'max';

export interface AstNodeStatsOptions extends QueryOptions {
  /** Only calls of this service. */
  service?: string;
  /** Default `calls`. */
  sort?: AstNodeStatsSort;
  /** Nodes to return; default and maximum `maxResultRows`. */
  limit?: number;
}

export interface AstNodeStatsList {
  nodes: AstNodeStats[];
  /** True when more nodes had calls than `limit`. */
  truncated: boolean;
}

/** findActiveAstNodes: the active AST nodes, capped. */
export interface ActiveAstNodes {
  /** Distinct, ascending (byte order), at most the limit. */
  ast_node_ids: string[];
  /** True when more nodes were active than the limit. */
  truncated: boolean;
}
