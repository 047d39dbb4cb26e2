import type { CallPage, WindowCall } from '../timeline.types';
import { decodeCursor, encodeCursor } from './cursor';
import type { QueryContext } from './query-context';

/** exit_ts of a call row whose exit has not been paired with it (yet). */
const OPEN = '9223372036854775807';

export interface WindowCallsRequest {
  from: bigint;
  to: bigint;
  service?: string;
  traceId?: string;
  limit: number;
  cursor?: string;
  fingerprint: string;
  signal?: AbortSignal;
}

interface CallRow {
  entry_ts: string;
  correlation_id: string;
  exit: string;
  entry_id: string;
  node: string;
  parent: string;
  trace: string;
  svc: string;
  fn: string;
  mod: string;
}

interface ExitRow {
  correlation_id: string;
  exit_ts: string | null;
  exit_id: string;
  failed: number;
}

/**
 * The calls overlapping [from, to] (entered at or before `to`, not exited
 * before `from`), in entry order, keyset-paged on (entry time, correlation id).
 *
 * Candidates come from `calls` (its key bounds the entry time; rows of one
 * call still in separate parts are combined by GROUP BY, as in
 * active-calls.query). Their exits, exit event ids and error marks come
 * from `events` by correlation id, read from the earliest entry of the page
 * on: an exit without duration_ns, which `calls` cannot pair, still closes
 * its call, and a call it closed before `from` is dropped.
 */
export async function readWindowCalls(ctx: QueryContext, request: WindowCallsRequest): Promise<CallPage> {
  let after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.fingerprint);
  const calls: WindowCall[] = [];
  const seen = new Set<string>();
  const rowsPerRound = request.limit + 1;
  for (;;) {
    const rows = await candidates(ctx, request, after, rowsPerRound);
    const exits = await exitsOf(ctx, rows, request.signal);
    for (const row of rows) {
      // A replayed entry with another timestamp is the same call: keep the first.
      if (seen.has(row.correlation_id)) continue;
      seen.add(row.correlation_id);
      const call = toWindowCall(row, exits.get(row.correlation_id));
      if (call.exit_timestamp !== null && call.exit_timestamp < request.from) continue;
      calls.push(call);
    }
    if (calls.length > request.limit) {
      const page = calls.slice(0, request.limit);
      const last = page.at(-1)!;
      const key = { timestamp: last.entry_timestamp, seq: 0, event_id: last.correlation_id };
      return { calls: page, next_cursor: encodeCursor(request.fingerprint, key) };
    }
    if (rows.length < rowsPerRound) return { calls, next_cursor: null };
    const last = rows.at(-1)!;
    after = { timestamp: BigInt(last.entry_ts), seq: 0, event_id: last.correlation_id };
  }
}

async function candidates(
  ctx: QueryContext,
  request: WindowCallsRequest,
  after: { timestamp: bigint; event_id: string } | undefined,
  rows: number,
): Promise<CallRow[]> {
  const params: Record<string, unknown> = { from: request.from, to: request.to, rows };
  let filters = '';
  if (request.service !== undefined) {
    filters += ' AND service = {service:String}';
    params['service'] = request.service;
  }
  if (request.traceId !== undefined) {
    filters += ' AND trace_id = {trace_id:String}';
    params['trace_id'] = request.traceId;
  }
  if (after !== undefined) {
    filters += ' AND (entry_ts, correlation_id) > ({after_ts:Int64}, {after_id:String})';
    Object.assign(params, { after_ts: after.timestamp, after_id: after.event_id });
  }
  return ctx.gateway.select<CallRow>({
    sql: `SELECT
    entry_ts,
    correlation_id,
    toString(min(exit_ts)) AS exit,
    max(entry_event_id) AS entry_id,
    max(ast_node_id) AS node,
    max(parent_id) AS parent,
    max(trace_id) AS trace,
    max(service) AS svc,
    max(function) AS fn,
    max(module) AS mod
FROM ${ctx.db}.calls
WHERE (entry_ts, correlation_id) IN
(
    SELECT entry_ts, correlation_id
    FROM ${ctx.db}.calls
    WHERE entry_ts <= {to:Int64} AND exit_ts >= {from:Int64}${filters}
)
GROUP BY entry_ts, correlation_id
HAVING entry_id != '' AND min(exit_ts) >= {from:Int64}
ORDER BY entry_ts, correlation_id
LIMIT {rows:UInt32}`,
    params,
    signal: request.signal,
    what: 'getCallsInWindow',
  });
}

/** Exit time, exit event and error mark of each candidate, by correlation id. */
async function exitsOf(
  ctx: QueryContext,
  rows: readonly CallRow[],
  signal: AbortSignal | undefined,
): Promise<Map<string, ExitRow>> {
  const first = rows[0];
  if (first === undefined) return new Map();
  const found = await ctx.gateway.select<ExitRow>({
    sql: `SELECT
    correlation_id,
    if(countIf(event_type = 'function_exit') = 0, NULL, toString(minIf(timestamp, event_type = 'function_exit'))) AS exit_ts,
    argMinIf(event_id, timestamp, event_type = 'function_exit') AS exit_id,
    max(event_type = 'error' OR (event_type = 'function_exit' AND JSONHas(data, 'error'))) AS failed
FROM ${ctx.db}.events
WHERE correlation_id IN {ids:Array(String)} AND timestamp >= {since:Int64}
    AND event_type IN ('function_exit', 'error')
GROUP BY correlation_id`,
    params: { ids: rows.map((row) => row.correlation_id), since: first.entry_ts },
    signal,
    what: 'getCallsInWindow',
  });
  return new Map(found.map((row) => [row.correlation_id, row]));
}

function toWindowCall(row: CallRow, exit: ExitRow | undefined): WindowCall {
  const entry = BigInt(row.entry_ts);
  // The exit event is the authority; the paired row in `calls` is the fallback should the events read miss it.
  let exitTs: bigint | null = exit?.exit_ts != null ? BigInt(exit.exit_ts) : null;
  if (exitTs === null && row.exit !== OPEN) exitTs = BigInt(row.exit);
  const call: WindowCall = {
    correlation_id: row.correlation_id,
    entry_event_id: row.entry_id,
    entry_timestamp: entry,
    exit_timestamp: exitTs,
    duration_ns: exitTs === null ? null : exitTs - entry,
    error: Number(exit?.failed ?? 0) === 1,
  };
  if (exit !== undefined && exit.exit_id !== '') call.exit_event_id = exit.exit_id;
  if (row.parent !== '') call.parent_id = row.parent;
  if (row.trace !== '') call.trace_id = row.trace;
  if (row.node !== '') call.ast_node_id = row.node;
  if (row.svc !== '') call.service = row.svc;
  if (row.fn !== '') call.function = row.fn;
  if (row.mod !== '') call.module = row.mod;
  return call;
}
