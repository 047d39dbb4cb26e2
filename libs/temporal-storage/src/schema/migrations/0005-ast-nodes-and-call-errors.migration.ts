import type { Migration } from '../migration';

/**
 * Where each AST node is in the source, and which calls failed.
 *
 * ast_nodes: the instrumentation runtime publishes its manifest as
 * `tb.ast_nodes` events (data.file, data.nodes[]: docs/auto-instrumentation.md); the view
 * explodes them into one row per (service, node). A service republishes its
 * manifest at every start, so ReplacingMergeTree(seen_at) keeps the latest at
 * merge time, and reads take the newest row per service themselves (LIMIT 1 BY),
 * never depending on merges. Ordered by ast_node_id first: the one lookup is
 * "where is this node". No TTL: a few rows per node, and a process that has
 * run longer than the retention must still be able to name its code. Nodes
 * without an id are dropped (nothing could look them up). Only events inserted
 * after this migration feed it: no manifest events existed before it.
 *
 * call_errors: one row per event that records a failure, an `error` event or
 * a function_exit carrying data.error (the SDK's traced calls report a throw
 * that way only). Decided at insert time, while `data` is in memory, so that
 * "traces with errors" and per-node error counts read this small table (errors
 * are rare) instead of the `data` column of every event of a window.
 * ReplacingMergeTree on the whole key: a replayed event collapses; reads
 * count distinct correlation ids, so they never depend on merges either.
 */
export const astNodesAndCallErrorsMigration: Migration = {
  version: 5,
  name: 'ast_nodes_and_call_errors',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.ast_nodes
(
    ast_node_id String,
    service LowCardinality(String) COMMENT 'empty when the manifest event had none',
    file String,
    line UInt32 COMMENT '1-based, of the original source',
    column UInt32 COMMENT '1-based',
    end_line UInt32,
    end_column UInt32,
    kind LowCardinality(String),
    name String,
    hash String COMMENT 'first 16 hex chars of the SHA-256 of the function source',
    seen_at Int64 COMMENT 'timestamp of the manifest event, ns'
)
ENGINE = ReplacingMergeTree(seen_at)
ORDER BY (ast_node_id, service)`,
    // The inner query renames the events columns so that the outer aliases
    // (ast_node_id, service) cannot be confused with them.
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.ast_nodes_from_events TO {db}.ast_nodes AS
SELECT
    JSONExtractString(node, 'ast_node_id') AS ast_node_id,
    svc AS service,
    JSONExtractString(doc, 'file') AS file,
    toUInt32(least(JSONExtractUInt(node, 'line'), 4294967295)) AS line,
    toUInt32(least(JSONExtractUInt(node, 'column'), 4294967295)) AS column,
    toUInt32(least(JSONExtractUInt(node, 'end_line'), 4294967295)) AS end_line,
    toUInt32(least(JSONExtractUInt(node, 'end_column'), 4294967295)) AS end_column,
    JSONExtractString(node, 'kind') AS kind,
    JSONExtractString(node, 'name') AS name,
    JSONExtractString(node, 'hash') AS hash,
    ts AS seen_at
FROM
(
    SELECT toString(service) AS svc, timestamp AS ts, data AS doc, node
    FROM {db}.events
    ARRAY JOIN JSONExtractArrayRaw(data, 'nodes') AS node
    WHERE event_type = 'tb.ast_nodes'
)
WHERE ast_node_id != ''`,
    `CREATE TABLE IF NOT EXISTS {db}.call_errors
(
    trace_id String,
    correlation_id String,
    timestamp Int64,
    event_id String,
    ast_node_id LowCardinality(String),
    service LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp, 'UTC'))
ORDER BY (trace_id, correlation_id, timestamp, event_id)
SETTINGS ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.call_errors_from_events TO {db}.call_errors AS
SELECT trace_id, correlation_id, timestamp, event_id, ast_node_id, service
FROM {db}.events
WHERE event_type = 'error' OR (event_type = 'function_exit' AND JSONHas(data, 'error'))`,
  ],
};
