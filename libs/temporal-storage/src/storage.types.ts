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
  /** Latest value per key from state_change (data.state) and variable_snapshot (data.variables) at or before `at`. */
  state: Record<string, JsonValue>;
  /** Ordered by entry time; at most `maxResultRows`. */
  active_calls: ActiveCall[];
  /** Present (true) when more calls were open than `maxResultRows`. */
  active_calls_truncated?: true;
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
