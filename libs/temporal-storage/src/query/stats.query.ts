import type { StorageStats } from '../storage.types';
import type { QueryContext } from './query-context';

/**
 * Exact counts over deduplicated events, and the storage footprint.
 *
 * FINAL collapses re-inserted events (same sort key) whether or not merges
 * ran; partitions that hold a single merged part skip the merge step.
 * Bytes come from system.parts plus system.projection_parts (the AST-node
 * projection lives inside the parts but is reported apart).
 */
export async function readStats(
  ctx: QueryContext,
  database: string,
  signal: AbortSignal | undefined,
): Promise<StorageStats> {
  const [events] = await ctx.gateway.select<{ total: string; oldest: string; newest: string }>({
    sql: `SELECT count() AS total, min(timestamp) AS oldest, max(timestamp) AS newest
FROM ${ctx.db}.events FINAL
SETTINGS do_not_merge_across_partitions_select_final = 1`,
    signal,
    what: 'getStats',
  });
  const [bytes] = await ctx.gateway.select<{ on_disk: string; uncompressed: string }>({
    sql: `SELECT sum(bytes_on_disk) AS on_disk, sum(data_uncompressed_bytes) AS uncompressed
FROM
(
    SELECT bytes_on_disk, data_uncompressed_bytes FROM system.parts WHERE database = {db:String} AND active
    UNION ALL
    SELECT bytes_on_disk, data_uncompressed_bytes FROM system.projection_parts WHERE database = {db:String} AND active
)`,
    params: { db: database },
    signal,
    what: 'getStats: parts',
  });
  const total = Number(events?.total ?? 0);
  return {
    total_events: total,
    oldest_timestamp: total === 0 ? null : BigInt(events!.oldest),
    newest_timestamp: total === 0 ? null : BigInt(events!.newest),
    bytes_on_disk: Number(bytes?.on_disk ?? 0),
    bytes_uncompressed: Number(bytes?.uncompressed ?? 0),
  };
}
