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

/** A candidate as selected; aggregates are aliased apart from the columns, which WHERE would otherwise read. */
interface CandidateRow {
  entry_ts: string;
  correlation_id: string;
  /** 1 when no exit was paired with the entry in `calls`: the exit, if any, must be looked up. */
  unpaired: number;
  entry_id: string;
  node: string;
  parent: string;
  trace: string;
  svc: string;
  fn: string;
  mod: string;
}

/**
 * SQL for the candidate calls: entered by `enteredBy` and not exited by
 * `closedBy` as far as `calls` tells, one row per call (CandidateRow).
 *
 * The inner query finds the keys of rows straddling the instant: the key
 * (entry time) and the minmax index on exit_ts keep that read to a few
 * granules. The outer one re-reads every row of those keys (a primary-key
 * lookup), so an entry row and its exit row still waiting in separate parts
 * for a merge are combined here: min(exit_ts) is then exact for every call
 * whose exit carried duration_ns. `unpaired` marks the others.
 */
export function candidateSql(
  ctx: QueryContext,
  request: OpenCallsRequest,
  after?: { entry_ts: string; correlation_id: string },
  /** Only what active AST nodes need: the node (fewer columns to read). */
  nodesOnly = false,
): { sql: string; params: Record<string, unknown> } {
  const filters: string[] = [];
  const params: Record<string, unknown> = { entered_by: request.enteredBy, closed_by: request.closedBy };
  if (request.service !== undefined) {
    filters.push(' AND service = {call_service:String}');
    params['call_service'] = request.service;
  }
  if (request.traceId !== undefined) {
    filters.push(' AND trace_id = {call_trace_id:String}');
    params['call_trace_id'] = request.traceId;
  }
  if (after !== undefined) {
    filters.push(' AND (entry_ts, correlation_id) > ({after_ts:Int64}, {after_id:String})');
    Object.assign(params, { after_ts: after.entry_ts, after_id: after.correlation_id });
  }
  const details = nodesOnly
    ? ''
    : `,
    max(parent_id) AS parent,
    max(trace_id) AS trace,
    max(service) AS svc,
    max(function) AS fn,
    max(module) AS mod`;
  const sql = `SELECT
    entry_ts,
    correlation_id,
    min(exit_ts) = ${OPEN} AS unpaired,
    max(entry_event_id) AS entry_id,
    max(ast_node_id) AS node${details}
FROM ${ctx.db}.calls
WHERE (entry_ts, correlation_id) IN
(
    SELECT entry_ts, correlation_id
    FROM ${ctx.db}.calls
    WHERE entry_ts <= {entered_by:Int64} AND exit_ts > {closed_by:Int64}${filters.join('')}
)
GROUP BY entry_ts, correlation_id
HAVING entry_id != '' AND min(exit_ts) > {closed_by:Int64}`;
  return { sql, params };
}

async function candidatePage(
  ctx: QueryContext,
  request: OpenCallsRequest,
  after: CandidateRow | undefined,
  rows: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<CandidateRow[]> {
  const { sql, params } = candidateSql(ctx, request, after);
  return ctx.gateway.select<CandidateRow>({
    sql: `${sql}\nORDER BY entry_ts, correlation_id\nLIMIT {rows:UInt32}`,
    params: { ...params, rows },
    signal,
    what,
  });
}

/**
 * Of these correlation ids, those with a function_exit at or before
 * `closedBy`, looked up by correlation_id in `call_exits`: an exit closes its
 * own call only, even one without duration_ns (which `calls` cannot pair).
 */
export async function exitedAmong(
  ctx: QueryContext,
  correlationIds: readonly string[],
  closedBy: bigint,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Set<string>> {
  if (correlationIds.length === 0) return new Set();
  const rows = await ctx.gateway.select<{ correlation_id: string }>({
    sql: `SELECT DISTINCT correlation_id
FROM ${ctx.db}.call_exits
WHERE correlation_id IN {ids:Array(String)} AND timestamp <= {closed_by:Int64}`,
    params: { ids: correlationIds, closed_by: closedBy },
    signal,
    what,
  });
  return new Set(rows.map((row) => row.correlation_id));
}

/**
 * The calls open at an instant: entered at or before `enteredBy`, with no
 * function_exit of their own correlation_id at or before `closedBy`. In
 * entry order, at most `limit` (and whether more exist). Candidates come in
 * pages; only those with no exit paired in `calls` (still running, or whose
 * exit had no duration_ns) are checked against call_exits. The answer never
 * depends on merges having run.
 */
export async function readOpenCalls(
  ctx: QueryContext,
  request: OpenCallsRequest,
  limit: number,
  signal: AbortSignal | undefined,
  what: string,
  pageRows = limit + 1,
): Promise<{ calls: ActiveCall[]; truncated: boolean }> {
  const calls: ActiveCall[] = [];
  const seen = new Set<string>();
  let after: CandidateRow | undefined;
  for (;;) {
    const page = await candidatePage(ctx, request, after, pageRows, signal, what);
    const unpaired = page.filter((row) => row.unpaired === 1).map((row) => row.correlation_id);
    const exited = await exitedAmong(ctx, unpaired, request.closedBy, signal, what);
    for (const row of page) {
      // One call per correlation_id: a second entry row (a replay with another timestamp) is the same call.
      if (exited.has(row.correlation_id) || seen.has(row.correlation_id)) continue;
      seen.add(row.correlation_id);
      calls.push(toActiveCall(row));
    }
    if (calls.length > limit) return { calls: calls.slice(0, limit), truncated: true };
    if (page.length < pageRows) return { calls, truncated: false };
    after = page.at(-1);
  }
}

function toActiveCall(row: CandidateRow): ActiveCall {
  const call: ActiveCall = {
    correlation_id: row.correlation_id,
    entry_event_id: row.entry_id,
    entry_timestamp: BigInt(row.entry_ts),
  };
  if (row.node !== '') call.ast_node_id = row.node;
  if (row.parent !== '') call.parent_id = row.parent;
  if (row.trace !== '') call.trace_id = row.trace;
  if (row.svc !== '') call.service = row.svc;
  if (row.fn !== '') call.function = row.fn;
  if (row.mod !== '') call.module = row.mod;
  return call;
}
