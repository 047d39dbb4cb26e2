import type { StorageStats } from '@temporal-bridge/temporal-storage';

/** Counters of one bridge since it started (the bridge part of GET /v1/stats). */
export interface BridgeStats {
  name: string;
  created_at: string;
  /** Valid events accepted into the buffer. */
  events_processed: number;
  /** Events refused by validation. */
  events_rejected: number;
  /** Accepted, not yet stored. */
  events_buffered: number;
  events_stored: number;
  /** Valid events that ClickHouse refused for their data: isolated and set aside (dead letter, rejected by index), not stored. */
  events_refused_by_storage: number;
  /** Events still unstored when the bridge stopped (storage down past stopTimeoutMs): not stored by this process. */
  events_unstored_at_stop: number;
  /** Successful batch writes. */
  buffer_flushes: number;
  /** Failed batch writes (each retried). */
  flush_failures: number;
  last_flush_latency_ms: number | null;
  last_flush_events: number;
  last_flush_error: string | null;
  /** The last flush attempt failed and a retry is pending. */
  retrying: boolean;
  /** Times producers had to wait for buffer space. */
  backpressure_waits: number;
  /** Events whose correlation the cache had lost and storage completed (a child's trace, an exit's duration). */
  correlations_recovered: number;
  /** Calls looked up in storage after a cache miss and not found there either (left unenriched). */
  correlations_unrecovered: number;
  /** Open calls and messages held by the correlation cache; null when it could not be counted. */
  correlations_cached: number | null;
  config: { buffer_size: number; flush_interval_ms: number; max_buffered_events: number };
}

export interface TemporalBridgeStats {
  bridge: BridgeStats;
  storage: StorageStats;
}
