import type { JsonObject, TemporalEvent } from '@temporal-bridge/event-schema';

import { ABSENT_SEQ } from '../ingest/event-rows';

/** The columns every event query selects, in the shape `rowToEvent` reads. */
export const EVENT_COLUMNS =
  'timestamp, seq, event_id, event_type, correlation_id, parent_id, trace_id, ast_node_id, service, instance, ' +
  'data, timestamp_inferred, duration_ns, linked_event_id';

/** One row as JSONEachRow gives it, Int64 quoted (output_format_json_quote_64bit_integers). */
export interface EventRow {
  timestamp: string;
  seq: string;
  event_id: string;
  event_type: string;
  correlation_id: string;
  parent_id: string;
  trace_id: string;
  ast_node_id: string;
  service: string;
  instance: string;
  data: string;
  timestamp_inferred: boolean;
  duration_ns: string | null;
  linked_event_id: string;
}

/**
 * Rebuilds the event exactly as it was inserted: bigint nanoseconds, absent
 * optional fields absent (empty strings, seq -1 and NULL mean "absent").
 */
export function rowToEvent(row: EventRow): TemporalEvent {
  const event: TemporalEvent = {
    event_id: row.event_id,
    timestamp: BigInt(row.timestamp),
    event_type: row.event_type,
    correlation_id: row.correlation_id,
    timestamp_inferred: row.timestamp_inferred,
  };
  if (row.parent_id !== '') event.parent_id = row.parent_id;
  if (row.trace_id !== '') event.trace_id = row.trace_id;
  if (row.ast_node_id !== '') event.ast_node_id = row.ast_node_id;
  if (row.service !== '') event.service = row.service;
  if (row.instance !== '') event.instance = row.instance;
  const seq = Number(row.seq);
  if (seq !== ABSENT_SEQ) event.seq = seq;
  if (row.data !== '') event.data = JSON.parse(row.data) as JsonObject;
  if (row.duration_ns !== null) event.duration_ns = BigInt(row.duration_ns);
  if (row.linked_event_id !== '') event.linked_event_id = row.linked_event_id;
  return event;
}

/** The position of an event in the result order (timestamp, seq, event_id). */
export interface OrderKey {
  timestamp: bigint;
  /** As stored: -1 when absent. */
  seq: number;
  event_id: string;
}

export function orderKeyOf(event: TemporalEvent): OrderKey {
  return { timestamp: event.timestamp, seq: event.seq ?? ABSENT_SEQ, event_id: event.event_id };
}
