import type { EventHistogram } from '../timeline.types';
import type { QueryContext } from './query-context';

export interface HistogramRequest {
  from: bigint;
  to: bigint;
  buckets: number;
  service?: string;
  signal?: AbortSignal;
}

/**
 * Event counts per bucket, computed by ClickHouse so that a density strip
 * never makes the browser hold the window's events. Counts are of distinct
 * event ids: a re-inserted event not yet merged away counts once. Errors are
 * `error` events and function_exits carrying data.error.
 */
export async function readEventHistogram(ctx: QueryContext, request: HistogramRequest): Promise<EventHistogram> {
  const span = request.to - request.from + 1n;
  const count = BigInt(request.buckets);
  // Ceiling division: `buckets` buckets of at least 1 ns cover the whole range.
  const width = (span + count - 1n) / count;
  const params: Record<string, unknown> = { from: request.from, to: request.to, width };
  let filter = '';
  if (request.service !== undefined) {
    filter = ' AND service = {service:String}';
    params['service'] = request.service;
  }
  const rows = await ctx.gateway.select<{ bucket: string; events: string; errors: string }>({
    sql: `SELECT
    intDiv(timestamp - {from:Int64}, {width:Int64}) AS bucket,
    uniqExact(event_id) AS events,
    uniqExactIf(event_id, event_type = 'error' OR (event_type = 'function_exit' AND JSONHas(data, 'error'))) AS errors
FROM ${ctx.db}.events
WHERE timestamp >= {from:Int64} AND timestamp <= {to:Int64}${filter}
GROUP BY bucket
ORDER BY bucket`,
    params,
    signal: request.signal,
    what: 'getEventHistogram',
  });
  const total = Number((span + width - 1n) / width);
  const buckets = Array.from({ length: total }, (_, i) => ({
    start: request.from + BigInt(i) * width,
    events: 0,
    errors: 0,
  }));
  for (const row of rows) {
    const bucket = buckets[Number(row.bucket)];
    if (bucket === undefined) continue;
    bucket.events = Number(row.events);
    bucket.errors = Number(row.errors);
  }
  return { from: request.from, to: request.to, bucket_ns: width, buckets };
}
