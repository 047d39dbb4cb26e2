import type { Migration } from '../migration';

/** Bucket sizes of state_buckets levels 0..3: a minute, ten minutes, an hour, a day (each divides the next). */
export const STATE_BUCKET_NS: readonly bigint[] = [60n, 600n, 3_600n, 86_400n].map((s) => s * 1_000_000_000n);

/**
 * SQL for a change as one string that sorts in result order: timestamp and
 * seq + 1 as 8-byte big-endian (both non-negative, so bytes sort like the
 * numbers), then event_id (never contains NUL), NUL, the value's JSON. So
 * max() over these strings is the latest change, ties broken by seq then
 * event_id, and it compares bytes (memcmp) instead of tuples field by field:
 * the state query ran ~35% faster than with max(tuple) (README).
 */
export function changeKeySql(valueSql: string): string {
  return `concat(reverse(reinterpretAsFixedString(timestamp)), reverse(reinterpretAsFixedString(seq + 1)), event_id, '\\0', ${valueSql})`;
}

/** The value's JSON inside a changeKeySql string: after the NUL that ends event_id (past the 16-byte prefix). */
export function changeValueSql(changeSql: string): string {
  return `substring(${changeSql}, position(${changeSql}, '\\0', 17) + 1)`;
}

/**
 * "State at T" without scanning every change before T.
 *
 * For each key set by a state_change (data.state) or a variable_snapshot
 * (data.variables), state_buckets keeps, per level and aligned time bucket,
 * the latest change (see changeKeySql): `max` of it is exactly "the latest
 * change, ties broken by seq then event_id", and it is idempotent, so
 * re-inserted events change nothing and merges are optional.
 *
 * [0, T] is then covered by whole days before T's day, whole hours before
 * T's hour, whole ten-minute buckets, whole minutes, and the raw events of
 * T's own minute (read from `events`): a few rows per key instead of all of
 * them (measured, README).
 */
export const stateBucketsMigration: Migration = {
  version: 3,
  name: 'state_buckets',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.state_buckets
(
    level UInt8 COMMENT '0 minute, 1 ten minutes, 2 hour, 3 day',
    bucket Int64 COMMENT 'bucket start, ns since the epoch',
    service LowCardinality(String),
    key String,
    latest SimpleAggregateFunction(max, String) COMMENT 'timestamp and seq+1 big-endian, event_id, NUL, value as JSON'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(bucket, 'UTC'))
ORDER BY (level, bucket, service, key)
SETTINGS ttl_only_drop_parts = 1, materialize_ttl_recalculate_only = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.state_buckets_from_events TO {db}.state_buckets AS
SELECT
    level_size.1 AS level,
    intDiv(timestamp, level_size.2) * level_size.2 AS bucket,
    service,
    kv.1 AS key,
    max(${changeKeySql('kv.2')}) AS latest
FROM
(
    SELECT
        service, timestamp, seq, event_id,
        JSONExtractKeysAndValuesRaw(data, if(event_type = 'state_change', 'state', 'variables')) AS kvs
    FROM {db}.events
    WHERE event_type IN ('state_change', 'variable_snapshot')
)
ARRAY JOIN kvs AS kv
ARRAY JOIN [(0, 60000000000), (1, 600000000000), (2, 3600000000000), (3, 86400000000000)] AS level_size
GROUP BY level, bucket, service, key`,
  ],
};
