import type { ActiveCall } from '../storage.types';
import type { QueryContext } from './query-context';

/** exit_ts of a call row whose exit has not been paired with it (yet). */
const OPEN = '9223372036854775807';

export interface OpenCallsRequest {
  /** Calls entered at or before this instant... */
  enteredBy: bigint;
  /** ...and not exited at or before this one. */
  closedBy: bigint;
  service?: string;
  traceId?: string;
}

/**
 * SQL (and its parameters) for the calls open at an instant: entered at or
 * before `enteredBy`, with no function_exit of their own correlation_id at
 * or before `closedBy`.
 *
 * Candidates come from `calls`, pruned by its key (entry time) and the
 * minmax index on exit_ts. A candidate whose exit row has not met it (in an
 * unmerged part, without duration_ns, out of order) still reads as open:
 * those, and only those, are checked against `call_exits` by correlation_id,
 * so an exit closes exactly its own call and never depends on merges.
 */
export function openCallsSql(
  ctx: QueryContext,
  request: OpenCallsRequest,
): { sql: string; params: Record<string, unknown> } {
  const filters: string[] = [];
  const params: Record<string, unknown> = { entered_by: request.enteredBy, closed_by: request.closedBy };
  if (request.service !== undefined) {
    filters.push('service = {call_service:String}');
    params['call_service'] = request.service;
  }
  if (request.traceId !== undefined) {
    filters.push('trace_id = {call_trace_id:String}');
    params['call_trace_id'] = request.traceId;
  }
  const sql = `WITH candidates AS
(
    SELECT
        entry_ts,
        correlation_id,
        min(exit_ts) AS closed_at,
        max(entry_event_id) AS entry_id,
        max(ast_node_id) AS node,
        max(parent_id) AS parent,
        max(trace_id) AS trace,
        max(service) AS svc,
        max(function) AS fn,
        max(module) AS mod
    FROM ${ctx.db}.calls
    WHERE entry_ts <= {entered_by:Int64} AND exit_ts > {closed_by:Int64}${filters.map((f) => ` AND ${f}`).join('')}
    GROUP BY entry_ts, correlation_id
    HAVING entry_id != ''
)
SELECT entry_ts, correlation_id, entry_id AS entry_event_id, node AS ast_node_id, parent AS parent_id,
    trace AS trace_id, svc AS service, fn AS function, mod AS module
FROM candidates
WHERE closed_at != ${OPEN}
   OR correlation_id NOT IN
   (
       SELECT correlation_id
       FROM ${ctx.db}.call_exits
       WHERE correlation_id IN (SELECT correlation_id FROM candidates WHERE closed_at = ${OPEN})
         AND timestamp <= {closed_by:Int64}
   )
ORDER BY entry_ts, correlation_id
LIMIT 1 BY correlation_id`;
  return { sql, params };
}

interface OpenCallRow {
  entry_ts: string;
  correlation_id: string;
  entry_event_id: string;
  ast_node_id: string;
  parent_id: string;
  trace_id: string;
  service: string;
  function: string;
  module: string;
}

/** The open calls, ordered by entry time; at most `limit` (+ whether more exist). */
export async function readOpenCalls(
  ctx: QueryContext,
  request: OpenCallsRequest,
  limit: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<{ calls: ActiveCall[]; truncated: boolean }> {
  const { sql, params } = openCallsSql(ctx, request);
  const rows = await ctx.gateway.select<OpenCallRow>({
    sql: `${sql}\nLIMIT {call_rows:UInt32}`,
    params: { ...params, call_rows: limit + 1 },
    signal,
    what,
  });
  return { calls: rows.slice(0, limit).map(rowToActiveCall), truncated: rows.length > limit };
}

function rowToActiveCall(row: OpenCallRow): ActiveCall {
  const call: ActiveCall = {
    correlation_id: row.correlation_id,
    entry_event_id: row.entry_event_id,
    entry_timestamp: BigInt(row.entry_ts),
  };
  if (row.ast_node_id !== '') call.ast_node_id = row.ast_node_id;
  if (row.parent_id !== '') call.parent_id = row.parent_id;
  if (row.trace_id !== '') call.trace_id = row.trace_id;
  if (row.service !== '') call.service = row.service;
  if (row.function !== '') call.function = row.function;
  if (row.module !== '') call.module = row.module;
  return call;
}
