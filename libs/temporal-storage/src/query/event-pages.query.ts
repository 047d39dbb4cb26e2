import type { TemporalEvent } from '@temporal-bridge/event-schema';

import type { EventPage } from '../storage.types';
import { decodeCursor, encodeCursor } from './cursor';
import { EVENT_COLUMNS, orderKeyOf, rowToEvent, type EventRow } from './event-row';
import type { QueryContext } from './query-context';

export interface PageRequest {
  what: string;
  /** Identifies the query for its cursors (queryFingerprint). */
  fingerprint: string;
  /** SQL condition over `events`, values as `{name:Type}` placeholders. */
  where: string;
  params: Record<string, unknown>;
  limit: number;
  cursor?: string;
  signal?: AbortSignal;
  /** Let ClickHouse read the by_ast_node projection (off for every other query: weighing it is costly). */
  useProjection?: boolean;
}

/**
 * One page of events in result order (timestamp, seq, event_id), each event
 * once. Duplicated inserts share the whole sort key, so they are adjacent
 * and LIMIT 1 BY drops them before the page is cut: a page is never short
 * because of them and never repeats an event. Keyset paging: the next page
 * starts strictly after the last key, exact even when thousands of events
 * share a timestamp. One extra row tells whether another page exists.
 */
export async function readEventPage(ctx: QueryContext, request: PageRequest): Promise<EventPage> {
  const params: Record<string, unknown> = { ...request.params, page_rows: request.limit + 1 };
  let after = '';
  if (request.cursor !== undefined) {
    const key = decodeCursor(request.cursor, request.fingerprint);
    // The plain timestamp bound lets the primary key skip what precedes the cursor.
    after =
      ' AND timestamp >= {after_ts:Int64} AND (timestamp, seq, event_id) > ({after_ts:Int64}, {after_seq:Int64}, {after_id:String})';
    Object.assign(params, { after_ts: key.timestamp, after_seq: key.seq, after_id: key.event_id });
  }
  const rows = await ctx.gateway.select<EventRow>({
    sql: `SELECT ${EVENT_COLUMNS}
FROM ${ctx.db}.events
WHERE (${request.where})${after}
ORDER BY timestamp, seq, event_id
LIMIT 1 BY event_id
LIMIT {page_rows:UInt32}${request.useProjection === true ? '\nSETTINGS optimize_use_projections = 1' : ''}`,
    params,
    signal: request.signal,
    what: request.what,
  });
  const events = rows.slice(0, request.limit).map(rowToEvent);
  const last = events.at(-1);
  return {
    events,
    next_cursor:
      rows.length > request.limit && last !== undefined ? encodeCursor(request.fingerprint, orderKeyOf(last)) : null,
  };
}

/** One event by id; the earliest stored version if it was (wrongly) stored with different contents. */
export async function readEvent(
  ctx: QueryContext,
  eventId: string,
  signal: AbortSignal | undefined,
): Promise<TemporalEvent | undefined> {
  const rows = await ctx.gateway.select<EventRow>({
    sql: `SELECT ${EVENT_COLUMNS}
FROM ${ctx.db}.events
WHERE event_id = {event_id:String}
ORDER BY timestamp, seq
LIMIT 1`,
    params: { event_id: eventId },
    signal,
    what: 'getEvent',
  });
  const row = rows[0];
  return row === undefined ? undefined : rowToEvent(row);
}
