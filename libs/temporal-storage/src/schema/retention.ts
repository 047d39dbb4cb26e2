import type { ClickHouseGateway } from '../connection/clickhouse-gateway';
import { LOCAL_SUFFIX, type SchemaLayout } from './cluster-layout';

/** Tables with a TTL, and the column holding the event time each one expires by. */
export const TTL_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['events', 'timestamp'],
  ['calls', 'entry_ts'],
  ['call_exits', 'timestamp'],
  ['state_buckets', 'bucket'],
  ['call_errors', 'timestamp'],
];

/** The retention a table's engine clause declares: days, or 0 when it has no TTL. */
export function declaredRetentionDays(engineFull: string): number {
  const ttl = / TTL (.*?)(?: SETTINGS |$)/s.exec(engineFull);
  if (ttl === null) return 0;
  const days = /toIntervalDay\((\d+)\)/.exec(ttl[1]!);
  // A TTL we did not write (hand-edited): report it as different from anything we want.
  return days === null ? -1 : Number(days[1]);
}

/**
 * Makes every table's TTL match `days` (0 = keep forever). Runs at each
 * open(), so a changed setting takes effect at the next start; a table that
 * already matches is left alone, because MODIFY TTL starts a mutation.
 * With ttl_only_drop_parts and materialize_ttl_recalculate_only, expiry drops
 * whole day partitions instead of rewriting parts. On a cluster the TTL
 * belongs to the per-shard tables, changed ON CLUSTER (a Distributed table
 * stores nothing).
 */
export async function applyRetention(
  gateway: ClickHouseGateway,
  database: string,
  quotedDatabase: string,
  days: number,
  layout: SchemaLayout = { kind: 'single' },
) {
  const stored = (table: string) => (layout.kind === 'cluster' ? `${table}${LOCAL_SUFFIX}` : table);
  const onCluster = layout.kind === 'cluster' ? ` ON CLUSTER \`${layout.cluster}\`` : '';
  const rows = await gateway.select<{ name: string; engine_full: string }>({
    sql: 'SELECT name, engine_full FROM system.tables WHERE database = {db:String}',
    params: { db: database },
    what: 'open: read table TTLs',
    unlimited: true,
  });
  const engines = new Map(rows.map((row) => [row.name, row.engine_full]));
  for (const [table, column] of TTL_COLUMNS) {
    const current = declaredRetentionDays(engines.get(stored(table)) ?? '');
    if (current === days) continue;
    const sql =
      days === 0
        ? `ALTER TABLE ${quotedDatabase}.${stored(table)}${onCluster} REMOVE TTL`
        : `ALTER TABLE ${quotedDatabase}.${stored(table)}${onCluster} MODIFY TTL fromUnixTimestamp64Nano(${column}, 'UTC') + toIntervalDay(${days})`;
    await gateway.command({ sql, what: `open: retention of ${table}`, unlimited: true });
  }
}
