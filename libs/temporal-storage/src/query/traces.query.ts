import type { TracePage, TraceSummary } from '../storage.types';
import { InvalidCursorError } from '../errors';
import { decodeKeyCursor, encodeKeyCursor } from './cursor';
import type { QueryContext } from './query-context';

/** exit_ts of a call row whose exit has not been paired with it (yet). */
const OPEN = '9223372036854775807';

export interface TraceListRequest {
  from: bigint;
  to: bigint;
  service?: string;
  errors?: boolean;
  minDurationNs?: bigint;
  sort: 'start' | 'duration';
  limit: number;
  cursor?: string;
  fingerprint: string;
  signal?: AbortSignal;
}

interface TraceRow {
  trace: string;
  start: string;
  root_id: string;
  entry_id: string;
  node: string;
  svc: string;
  fn: string;
  mod: string;
  duration: string | null;
}

/**
 * The traces whose root call (a call without parent) entered in [from, to],
 * one page, then their event and error counts.
 *
 * Cost is bounded by the window, not by history: the page comes from `calls`
 * (one row per call, narrower than events) read by its primary key over
 * [from, to], keeping only parentless rows before grouping; a root whose exit
 * had no duration_ns (so `calls` could not pair it) gets it from call_exits
 * by correlation_id. `errors` filters against call_errors (failures only,
 * small). Only the page's traces are then counted in `events`, by the
 * trace_id bloom filter from the earliest start on. A trace with several
 * parentless calls (one trace id given to separate calls) is listed once,
 * with its earliest root.
 */
export async function readTracePage(ctx: QueryContext, request: TraceListRequest): Promise<TracePage> {
  const params: Record<string, unknown> = { from: request.from, to: request.to, page_rows: request.limit + 1 };
  const filters: string[] = [];
  if (request.service !== undefined) {
    filters.push('root.4 = {service:String}');
    params['service'] = request.service;
  }
  if (request.minDurationNs !== undefined) {
    filters.push('duration >= {min_duration:Int64}');
    params['min_duration'] = request.minDurationNs;
  }
  if (request.errors !== undefined) {
    filters.push(
      `trace ${request.errors ? '' : 'NOT '}IN (SELECT trace_id FROM ${ctx.db}.call_errors WHERE trace_id != '' AND timestamp >= {from:Int64})`,
    );
  }
  const byDuration = request.sort === 'duration';
  // Only sorting or filtering by duration needs every root's late exit before
  // the page is cut; otherwise the page's few unpaired roots are looked up
  // after it (ClickHouse inlines a CTE at each use: the IN list would group
  // the window's roots a second time).
  const lateInSql = byDuration || request.minDurationNs !== undefined;
  // Open traces sort after every finished one when longest come first.
  const orderKey = byDuration ? '(-ifNull(duration, -1), start, trace)' : '(start, trace)';
  if (request.cursor !== undefined) {
    const key = decodeKeyCursor(request.cursor, request.fingerprint, byDuration ? 3 : 2);
    if (!key.slice(0, -1).every((part) => /^-?\d{1,19}$/.test(part))) throw malformed();
    filters.push(
      byDuration
        ? `${orderKey} > ({after_d:Int64}, {after_start:Int64}, {after_trace:String})`
        : `${orderKey} > ({after_start:Int64}, {after_trace:String})`,
    );
    if (byDuration) Object.assign(params, { after_d: -BigInt(key[0]!), after_start: key[1], after_trace: key[2] });
    else Object.assign(params, { after_start: key[0], after_trace: key[1] });
  }
  const rows = await ctx.gateway.select<TraceRow>({
    sql: `WITH roots AS
(
    SELECT
        max(trace_id) AS trace,
        entry_ts,
        tuple(correlation_id, max(entry_event_id), max(ast_node_id), max(service), max(function), max(module)) AS call,
        min(exit_ts) AS paired_exit
    FROM ${ctx.db}.calls
    WHERE entry_ts >= {from:Int64} AND entry_ts <= {to:Int64} AND parent_id = ''
    GROUP BY entry_ts, correlation_id
    HAVING trace != '' AND call.2 != ''
),
traces AS
(
    SELECT trace, min(entry_ts) AS start, argMin(call, entry_ts) AS root, argMin(paired_exit, entry_ts) AS exit
    FROM roots
    GROUP BY trace
)
${lateInSql ? LATE_CTE(ctx) : ''}
SELECT trace, start, root.1 AS root_id, root.2 AS entry_id, root.3 AS node, root.4 AS svc, root.5 AS fn, root.6 AS mod,
    ${lateInSql ? `if(exit != ${OPEN}, exit, if(late.late_exit = 0, NULL, late.late_exit))` : `if(exit != ${OPEN}, exit, NULL)`} - start AS duration
FROM traces
${lateInSql ? 'LEFT JOIN late ON late.correlation_id = root.1' : ''}
${filters.length === 0 ? '' : `WHERE ${filters.join(' AND ')}`}
ORDER BY ${orderKey}
LIMIT {page_rows:UInt32}
SETTINGS join_use_nulls = 0`,
    params,
    signal: request.signal,
    what: 'listTraces',
  });
  const page = rows.slice(0, request.limit);
  if (!lateInSql) await fillLateExits(ctx, page, request.signal);
  const traces = await withCounts(ctx, page, request.signal);
  const last = page.at(-1);
  let next: string | null = null;
  if (rows.length > request.limit && last !== undefined) {
    const key = byDuration ? [last.duration ?? '-1', last.start, last.trace] : [last.start, last.trace];
    next = encodeKeyCursor(request.fingerprint, key);
  }
  return { traces, next_cursor: next };
}

/** The exits of roots that `calls` could not pair (no duration_ns), for the window's roots. */
const LATE_CTE = (ctx: QueryContext): string => `,
late AS
(
    SELECT correlation_id, min(timestamp) AS late_exit
    FROM ${ctx.db}.call_exits
    WHERE correlation_id IN (SELECT root.1 FROM traces WHERE exit = ${OPEN})
    GROUP BY correlation_id
)`;

/** The same for a page: its roots without a duration, by correlation_id (call_exits' key). */
async function fillLateExits(ctx: QueryContext, page: TraceRow[], signal: AbortSignal | undefined): Promise<void> {
  const open = page.filter((row) => row.duration === null);
  if (open.length === 0) return;
  const exits = await ctx.gateway.select<{ correlation_id: string; late_exit: string }>({
    sql: `SELECT correlation_id, min(timestamp) AS late_exit
FROM ${ctx.db}.call_exits
WHERE correlation_id IN {ids:Array(String)}
GROUP BY correlation_id`,
    params: { ids: open.map((row) => row.root_id) },
    signal,
    what: 'listTraces: late exits',
  });
  const late = new Map(exits.map((row) => [row.correlation_id, BigInt(row.late_exit)]));
  for (const row of open) {
    const exit = late.get(row.root_id);
    if (exit !== undefined) row.duration = (exit - BigInt(row.start)).toString();
  }
}

/** Events, services and failed calls of the page's traces: one statement, by trace_id. */
async function withCounts(
  ctx: QueryContext,
  page: readonly TraceRow[],
  signal: AbortSignal | undefined,
): Promise<TraceSummary[]> {
  if (page.length === 0) return [];
  const ids = page.map((row) => row.trace);
  const since = page.reduce((min, row) => (BigInt(row.start) < min ? BigInt(row.start) : min), BigInt(page[0]!.start));
  const counts = await ctx.gateway.select<{ trace: string; events: string; services: string[]; errors: string }>({
    sql: `SELECT e.trace AS trace, e.events AS events, e.services AS services, f.errors AS errors
FROM
(
    SELECT trace_id AS trace, uniqExact(event_id) AS events, arraySort(groupUniqArrayIf(toString(service), service != '')) AS services
    FROM ${ctx.db}.events
    WHERE trace_id IN {ids:Array(String)} AND timestamp >= {since:Int64}
    GROUP BY trace_id
) AS e
LEFT JOIN
(
    SELECT trace_id AS trace, uniqExact(correlation_id) AS errors
    FROM ${ctx.db}.call_errors
    WHERE trace_id IN {ids:Array(String)}
    GROUP BY trace_id
) AS f ON f.trace = e.trace
SETTINGS join_use_nulls = 0`,
    params: { ids, since },
    signal,
    what: 'listTraces: counts',
  });
  const byTrace = new Map(counts.map((row) => [row.trace, row]));
  return page.map((row) => {
    const count = byTrace.get(row.trace);
    const root: TraceSummary['root'] = { correlation_id: row.root_id, entry_event_id: row.entry_id };
    if (row.node !== '') root.ast_node_id = row.node;
    if (row.svc !== '') root.service = row.svc;
    if (row.fn !== '') root.function = row.fn;
    if (row.mod !== '') root.module = row.mod;
    return {
      trace_id: row.trace,
      root,
      services: count?.services ?? [],
      start: BigInt(row.start),
      duration_ns: row.duration === null ? null : BigInt(row.duration),
      events: Number(count?.events ?? 0),
      errors: Number(count?.errors ?? 0),
    };
  });
}

function malformed(): Error {
  return new InvalidCursorError('cursor is malformed');
}
