/**
 * The API's answers as they arrive: nanoseconds are decimal strings (int64 safety).
 *
 * The shared answer types (one definition with the servers that build them) are imported type-only:
 * the bundler erases the import, so no code of @temporal-bridge/event-schema reaches the page.
 */
import type {
  ActiveCallAnswer,
  AstNodeAnswer,
  EventPageAnswer,
  ExecutionPathAnswer,
  PathStepAnswer,
  SerializedEvent,
  StateAnswer,
  StateEntryAnswer,
  StatsAnswer,
} from '@temporal-bridge/event-schema';

export type ApiEvent = SerializedEvent;
export type PathStep = PathStepAnswer;
export type ExecutionPath = ExecutionPathAnswer;
export type EventPage = EventPageAnswer;
export type ActiveCall = ActiveCallAnswer;
/** One key of the state at an instant, with the event that set it (provenance). */
export type StateEntry = StateEntryAnswer;
/** GET /v1/state: keys of different services are separate entries. */
export type StateSnapshot = StateAnswer;
export type Stats = StatsAnswer;
export type AstNodeLocation = AstNodeAnswer;

/* GET /v1/calls and /v1/events/histogram have no shared answer type yet (the storage layer's are bigint-typed). */
export interface ApiCall {
  correlation_id: string;
  entry_event_id: string;
  entry_timestamp: string;
  exit_timestamp: string | null;
  exit_event_id?: string;
  duration_ns: string | null;
  error: boolean;
  parent_id?: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
  function?: string;
  module?: string;
}

export interface CallPage {
  calls: ApiCall[];
  next_cursor: string | null;
}

export interface Histogram {
  from: string;
  to: string;
  bucket_ns: string;
  buckets: Array<{ start: string; events: number; errors: number }>;
}
