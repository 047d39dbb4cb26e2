/** The API's answers as they arrive: nanoseconds are decimal strings (int64 safety). */

export interface ApiEvent {
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
  data?: Record<string, unknown>;
  duration_ns?: string;
}

export interface PathStep extends ApiEvent {
  on_stack: boolean;
}

export interface ExecutionPath {
  target: ApiEvent;
  path: PathStep[];
  truncated: boolean;
}

export interface EventPage {
  events: ApiEvent[];
  next_cursor: string | null;
}

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

export interface ActiveCall {
  correlation_id: string;
  entry_event_id: string;
  entry_timestamp: string;
  ast_node_id?: string;
  trace_id?: string;
  service?: string;
  function?: string;
  module?: string;
}

/** One key of the state at an instant, with the event that set it (provenance). */
export interface StateEntry {
  service?: string;
  key: string;
  value: unknown;
  event_id: string;
  timestamp: string;
}

/** GET /v1/state: keys of different services are separate entries. */
export interface StateSnapshot {
  at: string;
  state: StateEntry[];
  state_truncated?: boolean;
  active_calls: ActiveCall[];
  active_calls_truncated?: boolean;
}

export interface Stats {
  storage: {
    total_events: number;
    oldest_timestamp: string | null;
    newest_timestamp: string | null;
  };
}

export interface AstNodeLocation {
  ast_node_id: string;
  locations: Array<{ service?: string; file: string; line: number; column?: number; kind?: string; name?: string }>;
}
