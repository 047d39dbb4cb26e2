import type { Migration } from '../migration';

/**
 * The latest self-reported stats of each bridge replica, for the fleet view
 * of GET /v1/stats (the query service cannot reach the replicas). One row
 * per report; ReplacingMergeTree keeps the newest per instance at merge
 * time and queries take argMax, so they never depend on merges. Reports
 * older than a day are of no use: TTL drops them.
 */
export const bridgeReportsMigration: Migration = {
  version: 4,
  name: 'bridge_reports',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db}.bridge_reports
(
    instance String,
    reported_at Int64 COMMENT 'nanoseconds since the Unix epoch',
    stats String COMMENT 'JSON object' CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(reported_at)
ORDER BY instance
TTL toDateTime(intDiv(reported_at, 1000000000)) + INTERVAL 1 DAY`,
  ],
};
