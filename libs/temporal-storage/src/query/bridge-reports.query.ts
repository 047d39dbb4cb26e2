import { escapeTsv } from '../ingest/event-rows';
import type { BridgeReport } from '../storage.types';
import type { QueryContext } from './query-context';

const REPORT_COLUMNS = ['instance', 'reported_at', 'stats'] as const;

/** Writes one replica's stats (durable before resolving, like events). */
export async function writeBridgeReport(ctx: QueryContext, report: BridgeReport): Promise<void> {
  const row = [escapeTsv(report.instance), report.reported_at.toString(), escapeTsv(JSON.stringify(report.stats))].join(
    '\t',
  );
  await ctx.gateway.insertTabSeparated(`${ctx.db}.bridge_reports`, REPORT_COLUMNS, `${row}\n`, 'recordBridgeReport');
}

/** The newest report of every instance that reported since `sinceNs`, by instance. */
export async function readBridgeReports(
  ctx: QueryContext,
  sinceNs: bigint,
  signal?: AbortSignal,
): Promise<BridgeReport[]> {
  // Aliases differ from the columns: ClickHouse would resolve WHERE's
  // reported_at to the aggregate otherwise.
  const rows = await ctx.gateway.select<{ instance: string; latest: string; latest_stats: string }>({
    sql: `SELECT instance, max(reported_at) AS latest, argMax(stats, reported_at) AS latest_stats
FROM ${ctx.db}.bridge_reports
WHERE reported_at >= {since:Int64}
GROUP BY instance
ORDER BY instance`,
    params: { since: sinceNs.toString() },
    signal,
    what: 'listBridgeReports',
  });
  return rows.map((row) => ({
    instance: row.instance,
    reported_at: BigInt(row.latest),
    stats: JSON.parse(row.latest_stats) as Record<string, unknown>,
  }));
}
