import type { AstNodeStats, AstNodeStatsList, AstNodeStatsSort } from '../storage.types';
import type { QueryContext } from './query-context';

/** exit_ts of a call row whose exit has not been paired with it (yet). */
const OPEN = '9223372036854775807';

/** Sort columns; NULL quantiles (nothing exited) sort last. */
const ORDER: Record<AstNodeStatsSort, string> = {
  calls: 'calls DESC',
  errors: 'errors DESC',
  p50: 'p50 DESC NULLS LAST',
  p95: 'p95 DESC NULLS LAST',
  max: 'max_d DESC NULLS LAST',
};

export interface AstNodeStatsRequest {
  from: bigint;
  to: bigint;
  service?: string;
  sort: AstNodeStatsSort;
  limit: number;
  signal?: AbortSignal;
}

interface StatsRow {
  node: string;
  calls: string;
  errors: string;
  p50: string | null;
  p95: string | null;
  max_d: string | null;
}

/**
 * Per AST node, the calls entered in [from, to]: how many, how many failed,
 * and p50/p95/max of their durations (exact: quantileExactLow gives an observed duration, the lower one when the rank falls between two). Read from `calls` by its primary
 * key over the window (one row per call, entry and exit rows combined by the
 * GROUP BY even before a merge); a call whose exit had no duration_ns gets
 * its exit from call_exits, and failures are the correlation ids in
 * call_errors since `from` (errors are rare: cheaper to read them all than to
 * evaluate the window's calls a third time for an IN list): the events' `data`
 * is never read. One extra row tells whether the list was cut.
 */
export async function readAstNodeStats(ctx: QueryContext, request: AstNodeStatsRequest): Promise<AstNodeStatsList> {
  const params: Record<string, unknown> = { from: request.from, to: request.to, rows: request.limit + 1 };
  let service = '';
  if (request.service !== undefined) {
    service = ' AND svc = {service:String}';
    params['service'] = request.service;
  }
  const rows = await ctx.gateway.select<StatsRow>({
    sql: `WITH window_calls AS
(
    SELECT entry_ts, correlation_id, max(ast_node_id) AS node, max(service) AS svc, min(exit_ts) AS paired_exit
    FROM ${ctx.db}.calls
    WHERE entry_ts >= {from:Int64} AND entry_ts <= {to:Int64}
    GROUP BY entry_ts, correlation_id
    HAVING node != '' AND max(entry_event_id) != ''${service}
),
late AS
(
    SELECT correlation_id, min(timestamp) AS late_exit
    FROM ${ctx.db}.call_exits
    WHERE correlation_id IN (SELECT correlation_id FROM window_calls WHERE paired_exit = ${OPEN})
    GROUP BY correlation_id
),
failed AS
(
    SELECT DISTINCT correlation_id
    FROM ${ctx.db}.call_errors
    WHERE timestamp >= {from:Int64}
)
SELECT
    node,
    count() AS calls,
    countIf(correlation_id IN (SELECT correlation_id FROM failed)) AS errors,
    quantileExactLow(0.5)(duration) AS p50,
    quantileExactLow(0.95)(duration) AS p95,
    max(duration) AS max_d
FROM
(
    SELECT node, correlation_id,
        if(paired_exit != ${OPEN}, paired_exit, if(late.late_exit = 0, NULL, late.late_exit)) - entry_ts AS duration
    FROM window_calls
    LEFT JOIN late ON late.correlation_id = window_calls.correlation_id
)
GROUP BY node
ORDER BY ${ORDER[request.sort]}, node
LIMIT {rows:UInt32}
SETTINGS join_use_nulls = 0`,
    params,
    signal: request.signal,
    what: 'getAstNodeStats',
  });
  const nanos = (value: string | null): bigint | null => (value === null ? null : BigInt(value));
  const nodes: AstNodeStats[] = rows.slice(0, request.limit).map((row) => ({
    ast_node_id: row.node,
    calls: Number(row.calls),
    errors: Number(row.errors),
    p50_ns: nanos(row.p50),
    p95_ns: nanos(row.p95),
    max_ns: nanos(row.max_d),
  }));
  return { nodes, truncated: rows.length > request.limit };
}
