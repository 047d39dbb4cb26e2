import type { Migration } from '../migration';

/**
 * The events, once, ordered by time: the table every primitive reads.
 *
 * - ORDER BY (timestamp, seq, event_id) is the result order of every query,
 *   so ranges read in order and stop at the limit; it is also the
 *   ReplacingMergeTree key, so a re-inserted event (same id, same content)
 *   collapses at merge time. Queries never rely on that (merges may not have
 *   run): they dedupe with LIMIT 1 BY event_id.
 * - seq is -1 when absent, so events without seq sort first among equal timestamps.
 * - timestamp is Int64 nanoseconds: exact over the whole int64 range, and
 *   text formats never guess its unit (DateTime64 parsing of digits does).
 * - Correlation, trace and event id lookups use bloom filters: those ids are
 *   clustered in time (a call lasts milliseconds), so a key hits a few
 *   granules. Their false-positive rate is 0.1%: at 1% a lookup read ~100
 *   granules it did not need out of 10k, and the filters are small (few
 *   distinct ids per granule). event_id also has a minmax index, checked first: UUIDv7 ids
 *   (what the SDK assigns) grow with time, so it leaves one or two granules
 *   for the bloom filter to read instead of all of them; other ids fall
 *   through to the bloom filter. AST nodes are not (a function runs all day long), hence the
 *   projection ordered by ast_node_id: a second copy inside the same parts,
 *   cheaper to write than a materialized view table (measured, README).
 * - index_granularity 1024: point lookups (an AST node's events in each part,
 *   a call's events) read 1024 rows per hit, not 8192.
 * - deduplicate_merge_projection_mode = 'ignore': merges merge the projection
 *   like any part instead of rebuilding it. It may then keep a duplicate the
 *   table dropped, which is harmless: every read dedupes by event_id.
 */
export const eventsMigration: Migration = {
  version: 1,
  name: 'events',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.events
(
    timestamp Int64 COMMENT 'nanoseconds since the Unix epoch',
    seq Int64 COMMENT 'producer sequence number; -1 when absent',
    event_id String,
    event_type LowCardinality(String),
    correlation_id String,
    parent_id String COMMENT 'empty when absent (ids are never empty)',
    trace_id String,
    ast_node_id LowCardinality(String),
    service LowCardinality(String),
    instance LowCardinality(String),
    data String COMMENT 'the data object as JSON text; empty when absent' CODEC(ZSTD(1)),
    timestamp_inferred Bool,
    duration_ns Nullable(Int64),
    linked_event_id String,
    time DateTime64(9, 'UTC') ALIAS fromUnixTimestamp64Nano(timestamp, 'UTC'),
    INDEX correlation_bf correlation_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX trace_bf trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX event_id_minmax event_id TYPE minmax GRANULARITY 1,
    INDEX event_id_bf event_id TYPE bloom_filter(0.01) GRANULARITY 1,
    PROJECTION by_ast_node (SELECT * ORDER BY ast_node_id, timestamp, seq, event_id)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp, 'UTC'))
ORDER BY (timestamp, seq, event_id)
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1,
    deduplicate_merge_projection_mode = 'ignore'`,
  ],
};
