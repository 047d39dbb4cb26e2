import type { JsonValue } from '@temporal-bridge/event-schema';

import type { StateEntry } from '../storage.types';
import { changeKeySql, changeValueSql, STATE_BUCKET_NS } from '../schema/migrations/0003-state-buckets.migration';
import type { QueryContext } from './query-context';

export interface StateRequest {
  at: bigint;
  service?: string;
  traceId?: string;
}

/** Which object of `data` holds the keys each event type sets. */
const KEYS_OF = "if(event_type = 'state_change', 'state', 'variables')";

/** The changes of the events matching `where`, as (service, key, latest) rows shaped like state_buckets'. */
function rawChanges(ctx: QueryContext, where: string): string {
  return `SELECT toString(service) AS service, kv.1 AS key, ${changeKeySql('kv.2')} AS latest
    FROM ${ctx.db}.events
    ARRAY JOIN JSONExtractKeysAndValuesRaw(data, ${KEYS_OF}) AS kv
    WHERE event_type IN ('state_change', 'variable_snapshot') AND ${where}`;
}

/**
 * Bucket starts covering [0, at]: every whole day before at's day, whole
 * hours before its hour, whole ten-minute buckets before its ten minutes,
 * whole minutes before its minute; the rest is at's own minute.
 */
export function bucketBounds(at: bigint): { day: bigint; hour: bigint; tenMinutes: bigint; minute: bigint } {
  const [minute, tenMinutes, hour, day] = STATE_BUCKET_NS.map((size) => (at / size) * size) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return { day, hour, tenMinutes, minute };
}

/**
 * The latest value of every (service, key) set at or before `at`, with the
 * event that set it: the max of the change strings (changeKeySql), i.e. the
 * later change in result order wins a tie; its timestamp and event_id are
 * read back from the same string. Keys are per service: two services
 * setting `cart` are two entries, never one silently overwriting the other.
 * At most `limit` entries, ordered by service then key (`truncated` when
 * there were more). Without a trace filter: the state_buckets covering
 * [0, at) at the coarsest level that fits, plus the raw events of at's
 * minute. With one, the trace's own events (few, found by the trace_id
 * index) are enough.
 */
export async function readStateAt(
  ctx: QueryContext,
  request: StateRequest,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<{ entries: StateEntry[]; truncated: boolean }> {
  const params: Record<string, unknown> = { at: request.at, state_rows: limit + 1 };
  let service = '';
  if (request.service !== undefined) {
    service = ' AND service = {service:String}';
    params['service'] = request.service;
  }
  let changes: string;
  if (request.traceId !== undefined) {
    params['trace_id'] = request.traceId;
    changes = rawChanges(ctx, `trace_id = {trace_id:String} AND timestamp <= {at:Int64}${service}`);
  } else {
    const bounds = bucketBounds(request.at);
    Object.assign(params, { day: bounds.day, hour: bounds.hour, ten: bounds.tenMinutes, minute: bounds.minute });
    changes = `SELECT toString(service) AS service, key, latest
    FROM ${ctx.db}.state_buckets
    WHERE ((level = 3 AND bucket < {day:Int64})
        OR (level = 2 AND bucket >= {day:Int64} AND bucket < {hour:Int64})
        OR (level = 1 AND bucket >= {hour:Int64} AND bucket < {ten:Int64})
        OR (level = 0 AND bucket >= {ten:Int64} AND bucket < {minute:Int64}))${service}
    UNION ALL
    ${rawChanges(ctx, `timestamp >= {minute:Int64} AND timestamp <= {at:Int64}${service}`)}`;
  }
  const rows = await ctx.gateway.select<{ service: string; key: string; value: string; ts: string; event_id: string }>({
    sql: `SELECT service, key, ${changeValueSql('change')} AS value,
    reinterpretAsInt64(reverse(substring(change, 1, 8))) AS ts,
    substring(change, 17, position(change, '\\0', 17) - 17) AS event_id
FROM
(
    SELECT service, key, max(latest) AS change
    FROM
    (
        ${changes}
    )
    GROUP BY service, key
)
ORDER BY service, key
LIMIT {state_rows:UInt32}`,
    params,
    signal,
    what: 'reconstructStateAt',
  });
  const entries = rows.slice(0, limit).map((row) => {
    const entry: StateEntry = {
      key: row.key,
      value: JSON.parse(row.value) as JsonValue,
      event_id: row.event_id,
      timestamp: BigInt(row.ts),
    };
    if (row.service !== '') entry.service = row.service;
    return entry;
  });
  return { entries, truncated: rows.length > limit };
}
