import type { Migration } from '../migration';

/**
 * Call intervals, for "which calls were running at instant T".
 *
 * One row per call keyed (entry_ts, correlation_id): the function_entry
 * writes it with exit_ts = int64 max (open), the function_exit writes the
 * same key (its entry time is timestamp - duration_ns, which the bridge
 * sets when it pairs them) with its own time; min(exit_ts) merges them.
 * Sorted by entry time with a minmax index on exit_ts, a query for instant
 * T reads only granules holding calls entered before T that end after T.
 *
 * Correctness never depends on that pairing or on merges: a candidate still
 * open in this table is checked against call_exits, every function_exit by
 * correlation_id, so an exit without duration_ns (or out of order) still
 * closes its call, and only its own call.
 */
export const callsMigration: Migration = {
  version: 2,
  name: 'calls',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.calls
(
    entry_ts Int64,
    correlation_id String,
    exit_ts SimpleAggregateFunction(min, Int64),
    entry_event_id SimpleAggregateFunction(max, String),
    ast_node_id SimpleAggregateFunction(max, String),
    parent_id SimpleAggregateFunction(max, String),
    trace_id SimpleAggregateFunction(max, String),
    service SimpleAggregateFunction(max, String),
    function SimpleAggregateFunction(max, String),
    module SimpleAggregateFunction(max, String),
    INDEX exit_minmax exit_ts TYPE minmax GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(entry_ts, 'UTC'))
ORDER BY (entry_ts, correlation_id)
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1`,
    // One view for both rows of a call: each view writes its own part per insert, and parts are what cost.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.calls_from_events TO {db}.calls AS
WITH event_type = 'function_entry' AS is_entry
SELECT
    if(is_entry, timestamp, timestamp - assumeNotNull(duration_ns)) AS entry_ts,
    correlation_id,
    if(is_entry, toInt64(9223372036854775807), timestamp) AS exit_ts,
    if(is_entry, event_id, '') AS entry_event_id,
    if(is_entry, toString(ast_node_id), '') AS ast_node_id,
    parent_id,
    trace_id,
    toString(service) AS service,
    if(is_entry, JSONExtractString(data, 'function'), '') AS function,
    if(is_entry, JSONExtractString(data, 'module'), '') AS module
FROM {db}.events
WHERE event_type = 'function_entry' OR (event_type = 'function_exit' AND duration_ns IS NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS {db}.call_exits
(
    correlation_id String,
    timestamp Int64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp, 'UTC'))
ORDER BY (correlation_id, timestamp)
SETTINGS ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.call_exits_from_events TO {db}.call_exits AS
SELECT correlation_id, timestamp
FROM {db}.events
WHERE event_type = 'function_exit'`,
  ],
};
