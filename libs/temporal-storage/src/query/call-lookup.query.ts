import type { StoredCall } from '../storage.types';
import type { QueryContext } from './query-context';

interface CallRow {
  correlation_id: string;
  entry_ts: string;
  entry_id: string;
  trace: string;
  parent: string;
  node: string;
}

/**
 * The stored entry (function_entry) of each of these calls, by
 * correlation_id: what a correlation cache that lost its state (Redis
 * flushed or down, standalone restarted) needs to pair an exit and to give a
 * child its trace. One query for a whole batch; the bloom filter on
 * correlation_id keeps it to the granules holding those ids. A call entered
 * twice (a replay with another timestamp) answers its earliest entry.
 */
export async function readStoredCalls(
  ctx: QueryContext,
  correlationIds: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, StoredCall>> {
  const found = new Map<string, StoredCall>();
  if (correlationIds.length === 0) return found;
  const rows = await ctx.gateway.select<CallRow>({
    sql: `SELECT
    correlation_id,
    toString(min(timestamp)) AS entry_ts,
    argMin(event_id, timestamp) AS entry_id,
    argMin(trace_id, timestamp) AS trace,
    argMin(parent_id, timestamp) AS parent,
    toString(argMin(ast_node_id, timestamp)) AS node
FROM ${ctx.db}.events
WHERE correlation_id IN {ids:Array(String)} AND event_type = 'function_entry'
GROUP BY correlation_id`,
    params: { ids: [...new Set(correlationIds)] },
    signal,
    what: 'findCalls',
  });
  for (const row of rows) {
    const call: StoredCall = {
      correlation_id: row.correlation_id,
      entry_timestamp: BigInt(row.entry_ts),
      entry_event_id: row.entry_id,
    };
    if (row.trace !== '') call.trace_id = row.trace;
    if (row.parent !== '') call.parent_id = row.parent;
    if (row.node !== '') call.ast_node_id = row.node;
    found.set(row.correlation_id, call);
  }
  return found;
}
