/** The wire event schema version this build reads and writes. */
export const SCHEMA_VERSION = 1;

/** Event types with a meaning the Cinema primitives rely on; any other matching type is stored as given. */
export const WELL_KNOWN_EVENT_TYPES = [
  'function_entry',
  'function_exit',
  'state_change',
  'variable_snapshot',
  'message_send',
  'message_receive',
  'error',
  'log',
] as const;

export type WellKnownEventType = (typeof WELL_KNOWN_EVENT_TYPES)[number];

/** `[a-z][a-z0-9_.:-]{0,63}` */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_.:-]{0,63}$/;

/** Longest event_id, correlation/parent/trace/AST node id, service or instance. */
export const MAX_ID_LENGTH = 128;

/** Default limit on the serialized `data` object (64 KiB), configurable per parser. */
export const DEFAULT_MAX_DATA_BYTES = 64 * 1024;

/** Deepest nesting accepted in `data`: beyond it the input is abusive or cyclic. */
export const MAX_DATA_DEPTH = 64;

/** Largest timestamp: int64 nanoseconds (year 2262). */
export const MAX_TIMESTAMP_NS = 2n ** 63n - 1n;

/** A JSON value as found in `data`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A validated event, in memory. Timestamps are bigint nanoseconds since the
 * Unix epoch (int64 safety); on the wire they are decimal strings.
 *
 * The last three fields are never taken from producers: the bridge derives
 * them (`timestamp_inferred` when it filled the timestamp, `duration_ns` when
 * it paired a function_exit with its entry, `linked_event_id` when it linked a
 * message_receive to its message_send).
 */
export interface TemporalEvent {
  event_id: string;
  timestamp: bigint;
  event_type: WellKnownEventType | (string & {});
  correlation_id: string;
  parent_id?: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
  instance?: string;
  seq?: number;
  data?: JsonObject;
  timestamp_inferred: boolean;
  duration_ns?: bigint;
  linked_event_id?: string;
}

/**
 * An event as JSON: what producers send and what the API returns. Decimal
 * strings for nanosecond values; absent optional fields are omitted.
 */
export interface SerializedEvent {
  event_id: string;
  timestamp: string;
  event_type: string;
  correlation_id: string;
  parent_id?: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
  instance?: string;
  seq?: number;
  data?: JsonObject;
  timestamp_inferred?: boolean;
  duration_ns?: string;
  linked_event_id?: string;
}

/** One reason an input is not a valid event: the field (dotted path) and what is wrong. */
export interface EventProblem {
  field: string;
  reason: string;
}
