import type { Migration } from '../migration';

/**
 * One row per key set by a state_change (data.state) or a variable_snapshot
 * (data.variables), so "state at T" never parses event JSON at query time.
 *
 * Sorted by (service, key, timestamp, seq): the latest value of every key at
 * T is found by aggregating in key order over two narrow numeric columns,
 * then only the winning rows' values are read (see state-at.query.ts).
 * value is the raw JSON text of the value.
 */
export const stateChangesMigration: Migration = {
  version: 3,
  name: 'state_changes',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.state_changes
(
    service LowCardinality(String),
    key String,
    timestamp Int64,
    seq Int64,
    event_id String,
    value String CODEC(ZSTD(1)),
    trace_id String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp, 'UTC'))
ORDER BY (service, key, timestamp, seq, event_id)
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.state_changes_from_events TO {db}.state_changes AS
SELECT service, kv.1 AS key, timestamp, seq, event_id, kv.2 AS value, trace_id
FROM
(
    SELECT
        service, timestamp, seq, event_id, trace_id,
        JSONExtractKeysAndValuesRaw(data, if(event_type = 'state_change', 'state', 'variables')) AS kvs
    FROM {db}.events
    WHERE event_type IN ('state_change', 'variable_snapshot')
)
ARRAY JOIN kvs AS kv`,
  ],
};
