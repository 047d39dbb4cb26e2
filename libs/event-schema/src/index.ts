export {
  DEFAULT_MAX_DATA_BYTES,
  EVENT_TYPE_PATTERN,
  MAX_DATA_DEPTH,
  MAX_ID_LENGTH,
  MAX_TIMESTAMP_NS,
  SCHEMA_VERSION,
  WELL_KNOWN_EVENT_TYPES,
} from './event';
export type { EventProblem, JsonObject, JsonValue, SerializedEvent, TemporalEvent, WellKnownEventType } from './event';
export { wireEventSchema } from './event.schema';
export type { WireEventInput } from './event.schema';
export { getRegisteredHandler, setRegisteredHandler } from './handler-registry';
export type { EventHandler } from './handler-registry';
export { isPlainObject, jsonProblems, jsonTextOf } from './json-value';
export { parseEvent, parseEventJson } from './parse-event';
export type { ParseOptions, ParseResult } from './parse-event';
export { deserializeEvent, serializeEvent } from './serialize-event';
export { formatTimestamp, parseTimestamp, systemClock } from './timestamp';
export type { Clock } from './timestamp';
export {
  DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  PLAUSIBLE_TIMESTAMP_FLOOR_NS,
  timestampWindowProblem,
} from './timestamp-window';
export type { TimestampWindow } from './timestamp-window';
export { uuidv7 } from './uuidv7';
export type {
  ActiveAstNodesAnswer,
  ActiveCallAnswer,
  AstNodeAnswer,
  AstNodeLocationAnswer,
  AstNodeStatsAnswer,
  AstNodeStatsListAnswer,
  ErrorAnswer,
  EventPageAnswer,
  ExecutionPathAnswer,
  FlushAnswer,
  PathStepAnswer,
  StateAnswer,
  StateEntryAnswer,
  StatsAnswer,
  TracePageAnswer,
  TraceRootAnswer,
  TraceSummaryAnswer,
} from './answers';
