import type { SerializedEvent, TemporalEvent } from './event';

/**
 * The JSON form of an event (decimal-string nanoseconds, absent fields
 * omitted): what the SDK publishes and what the API returns.
 */
export function serializeEvent(event: TemporalEvent): SerializedEvent {
  const out: SerializedEvent = {
    event_id: event.event_id,
    timestamp: event.timestamp.toString(),
    event_type: event.event_type,
    correlation_id: event.correlation_id,
  };
  if (event.parent_id !== undefined) out.parent_id = event.parent_id;
  if (event.trace_id !== undefined) out.trace_id = event.trace_id;
  if (event.ast_node_id !== undefined) out.ast_node_id = event.ast_node_id;
  if (event.service !== undefined) out.service = event.service;
  if (event.instance !== undefined) out.instance = event.instance;
  if (event.seq !== undefined) out.seq = event.seq;
  if (event.data !== undefined) out.data = event.data;
  if (event.timestamp_inferred) out.timestamp_inferred = true;
  if (event.duration_ns !== undefined) out.duration_ns = event.duration_ns.toString();
  if (event.linked_event_id !== undefined) out.linked_event_id = event.linked_event_id;
  return out;
}

/**
 * Reads back an event the API returned (trusted input: it was validated when
 * ingested). Throws on a malformed nanosecond value.
 */
export function deserializeEvent(json: SerializedEvent): TemporalEvent {
  const event: TemporalEvent = {
    event_id: json.event_id,
    timestamp: BigInt(json.timestamp),
    event_type: json.event_type,
    correlation_id: json.correlation_id,
    timestamp_inferred: json.timestamp_inferred === true,
  };
  if (json.parent_id !== undefined) event.parent_id = json.parent_id;
  if (json.trace_id !== undefined) event.trace_id = json.trace_id;
  if (json.ast_node_id !== undefined) event.ast_node_id = json.ast_node_id;
  if (json.service !== undefined) event.service = json.service;
  if (json.instance !== undefined) event.instance = json.instance;
  if (json.seq !== undefined) event.seq = json.seq;
  if (json.data !== undefined) event.data = json.data;
  if (json.duration_ns !== undefined) event.duration_ns = BigInt(json.duration_ns);
  if (json.linked_event_id !== undefined) event.linked_event_id = json.linked_event_id;
  return event;
}
