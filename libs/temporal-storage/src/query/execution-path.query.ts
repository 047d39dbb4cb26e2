import type { TemporalEvent } from '@temporal-bridge/event-schema';

import type { ExecutionPath, PathStep } from '../storage.types';
import { EVENT_COLUMNS, orderKeyOf, rowToEvent, type EventRow } from './event-row';
import type { QueryContext } from './query-context';

/** Parent chains longer than this are treated as cycles in bad data. */
const MAX_DEPTH = 10_000;

/**
 * The steps that led to `target`: the events of its trace (of its
 * correlation when it has no trace id) up to and including the target in
 * result order, the latest `maxResultRows` of them. Read newest first so the
 * cap keeps the steps closest to the target. Returns undefined when the
 * target is not stored.
 */
export async function readExecutionPath(
  ctx: QueryContext,
  target: TemporalEvent,
  signal: AbortSignal | undefined,
): Promise<ExecutionPath | undefined> {
  const key = orderKeyOf(target);
  const scope = target.trace_id !== undefined ? 'trace_id = {scope:String}' : 'correlation_id = {scope:String}';
  const scopeId = target.trace_id ?? target.correlation_id;
  const rows = await ctx.gateway.select<EventRow>({
    sql: `SELECT ${EVENT_COLUMNS}
FROM ${ctx.db}.events
WHERE ${scope} AND timestamp <= {t_ts:Int64}
  AND (timestamp, seq, event_id) <= ({t_ts:Int64}, {t_seq:Int64}, {t_id:String})
ORDER BY timestamp DESC, seq DESC, event_id DESC
LIMIT 1 BY event_id
LIMIT {path_rows:UInt32}`,
    params: {
      scope: scopeId,
      t_ts: key.timestamp,
      t_seq: key.seq,
      t_id: key.event_id,
      path_rows: ctx.maxResultRows + 1,
    },
    signal,
    what: 'traceExecutionPath',
  });
  if (rows[0]?.event_id !== target.event_id) return undefined;
  const truncated = rows.length > ctx.maxResultRows;
  const events = rows.slice(0, ctx.maxResultRows).reverse().map(rowToEvent);
  const stored = events.at(-1)!;
  const stack = await callStack(ctx, stored, events, truncated, signal);
  const path: PathStep[] = events.map((event) => ({ ...event, on_stack: stack.has(event.correlation_id) }));
  return { target: stored, path, truncated };
}

/**
 * The target's correlation and its ancestors, following parent_id. Every
 * event carries its call's parent_id, and an ancestor entered before the
 * target, so the path itself holds the chain unless it was truncated; then
 * the trace's parent links are read from `events`.
 */
async function callStack(
  ctx: QueryContext,
  target: TemporalEvent,
  events: readonly TemporalEvent[],
  truncated: boolean,
  signal: AbortSignal | undefined,
): Promise<Set<string>> {
  const parents = new Map<string, string>();
  for (const event of events) if (event.parent_id !== undefined) parents.set(event.correlation_id, event.parent_id);
  if (truncated && target.trace_id !== undefined) {
    const rows = await ctx.gateway.select<{ correlation_id: string; parent: string }>({
      sql: `SELECT correlation_id, any(parent_id) AS parent
FROM ${ctx.db}.events
WHERE trace_id = {trace_id:String} AND parent_id != ''
GROUP BY correlation_id`,
      params: { trace_id: target.trace_id },
      signal,
      what: 'traceExecutionPath: parent links',
    });
    for (const row of rows) if (!parents.has(row.correlation_id)) parents.set(row.correlation_id, row.parent);
  }
  const stack = new Set<string>([target.correlation_id]);
  let parent = target.parent_id;
  while (parent !== undefined && !stack.has(parent) && stack.size < MAX_DEPTH) {
    stack.add(parent);
    parent = parents.get(parent);
  }
  return stack;
}
