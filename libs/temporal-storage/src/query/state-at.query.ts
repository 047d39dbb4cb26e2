import type { JsonValue } from '@temporal-bridge/event-schema';

import type { QueryContext } from './query-context';

export interface StateRequest {
  at: bigint;
  service?: string;
  traceId?: string;
}

/** Which key of `data` holds the keys each event type sets. */
const KEYS_OF = "if(event_type = 'state_change', 'state', 'variables')";

/**
 * The latest value of every key set at or before `at` (ties: the later
 * event in (timestamp, seq, event_id) order).
 *
 * Without a trace filter it reads `state_changes` in two steps, measured
 * ~15x faster than one argMax over all rows (README): the latest
 * (timestamp, seq) of each (service, key), aggregated in key order over two
 * numeric columns; then only the rows at those positions, where event_id
 * breaks ties and the values are read. With a trace filter the trace's own
 * events are few: they are read from `events` through its trace_id index.
 */
export async function readStateAt(
  ctx: QueryContext,
  request: StateRequest,
  signal: AbortSignal | undefined,
): Promise<Record<string, JsonValue>> {
  const params: Record<string, unknown> = { at: request.at };
  let service = '';
  if (request.service !== undefined) {
    service = ' AND service = {service:String}';
    params['service'] = request.service;
  }
  let sql: string;
  if (request.traceId !== undefined) {
    params['trace_id'] = request.traceId;
    sql = `SELECT kv.1 AS key, argMax(kv.2, (timestamp, seq, event_id)) AS latest_value
FROM ${ctx.db}.events
ARRAY JOIN JSONExtractKeysAndValuesRaw(data, ${KEYS_OF}) AS kv
WHERE trace_id = {trace_id:String} AND timestamp <= {at:Int64}
  AND event_type IN ('state_change', 'variable_snapshot')${service}
GROUP BY key`;
  } else {
    sql = `SELECT key, argMax(value, (timestamp, seq, event_id)) AS latest_value
FROM ${ctx.db}.state_changes
WHERE timestamp <= {at:Int64}${service}
  AND (service, key, timestamp, seq) IN
  (
      SELECT service, key, latest.1, latest.2
      FROM
      (
          SELECT service, key, max((timestamp, seq)) AS latest
          FROM ${ctx.db}.state_changes
          WHERE timestamp <= {at:Int64}${service}
          GROUP BY service, key
      )
  )
GROUP BY key
SETTINGS optimize_aggregation_in_order = 1`;
  }
  const rows = await ctx.gateway.select<{ key: string; latest_value: string }>({
    sql,
    params,
    signal,
    what: 'reconstructStateAt',
  });
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const state: Record<string, JsonValue> = {};
  for (const row of rows) {
    // defineProperty: a key named "__proto__" must stay a key, not a prototype.
    Object.defineProperty(state, row.key, {
      value: JSON.parse(row.latest_value) as JsonValue,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return state;
}
