import type { JsonValue, SerializedEvent } from './event';

/*
 * The JSON answers of the REST API (query service and standalone), exactly
 * as they travel: every nanosecond value is a decimal string (int64 does not
 * fit a JSON number). One definition, used by the query service when it
 * builds an answer and by the SDK's remote client when it reads one, so the
 * two cannot drift. Every answer that a server cap can cut says so in a
 * field of its own (`truncated`, `*_truncated`, `next_cursor`): a short
 * answer is never silent.
 */

/**
 * GET /v1/events, /v1/ast-nodes/{id}/events, /v1/correlations/{id}/events,
 * /v1/traces/{trace_id}/events: one page of events.
 *
 * @example
 * const page = (await (await fetch(`${base}/v1/events?from=${a}&to=${b}`)).json()) as EventPageAnswer;
 */
export interface EventPageAnswer {
  /** Ordered by timestamp, then seq (absent first), then event_id. */
  events: SerializedEvent[];
  /** Pass back as `cursor` for the next page; null when this page is the last. */
  next_cursor: string | null;
}

/**
 * GET /v1/ast-nodes/active.
 *
 * @example
 * const { ast_node_ids, truncated } = answer as ActiveAstNodesAnswer;
 */
export interface ActiveAstNodesAnswer {
  /** Distinct, ascending (byte order); at most MAX_RESULT_ROWS. */
  ast_node_ids: string[];
  /** True when more nodes were active than MAX_RESULT_ROWS: the list is the first ones. */
  truncated: boolean;
}

/**
 * One place an AST node is defined, from a service's instrumentation manifest.
 *
 * @example
 * const where = `${loc.file}:${loc.line}:${loc.column}`;
 */
export interface AstNodeLocationAnswer {
  /** Absent when the manifest event had no service. */
  service?: string;
  file: string;
  /** 1-based line and column of the original source. */
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  kind: string;
  /** The qualified name (`OrderService.place`). */
  name: string;
  /** First 16 hex chars of the SHA-256 of the function's source text. */
  hash: string;
  /** Timestamp of the latest manifest event that described it, ns. */
  seen_at: string;
}

/**
 * GET /v1/ast-nodes/{id}: where the node is, per service (latest manifest of each).
 *
 * @example
 * const { locations } = answer as AstNodeAnswer;
 */
export interface AstNodeAnswer {
  ast_node_id: string;
  /** One per service that published the node, ordered by service. */
  locations: AstNodeLocationAnswer[];
}

/**
 * A call entered at or before the instant with no matching exit at or before it.
 *
 * @example
 * const open = state.active_calls.map((call) => call.function);
 */
export interface ActiveCallAnswer {
  correlation_id: string;
  ast_node_id?: string;
  parent_id?: string;
  trace_id?: string;
  service?: string;
  /** event_id of the function_entry. */
  entry_event_id: string;
  /** Time of the function_entry, ns. */
  entry_timestamp: string;
  function?: string;
  module?: string;
}

/**
 * One state key at the instant, with the event that set it last.
 *
 * @example
 * const who = `${entry.key} set by ${entry.event_id} (${entry.service ?? '?'}) at ${entry.timestamp}`;
 */
export interface StateEntryAnswer {
  /** Keys of different services are separate entries: the same key in two services is two entries. */
  service?: string;
  key: string;
  value: JsonValue;
  /** The state_change or variable_snapshot that set this value. */
  event_id: string;
  /** Its timestamp, ns. */
  timestamp: string;
}

/**
 * GET /v1/state.
 *
 * @example
 * const { state, active_calls, active_calls_truncated } = answer as StateAnswer;
 */
export interface StateAnswer {
  at: string;
  /** Every (service, key) set at or before `at`, ordered by service then key; at most MAX_RESULT_ROWS. */
  state: StateEntryAnswer[];
  /** True when more keys were set than MAX_RESULT_ROWS: `state` holds the first ones. */
  state_truncated: boolean;
  /** Ordered by entry time; at most MAX_RESULT_ROWS. */
  active_calls: ActiveCallAnswer[];
  /** True when more calls were open than MAX_RESULT_ROWS: `active_calls` holds the earliest. */
  active_calls_truncated: boolean;
}

/**
 * One step of an execution path.
 *
 * @example
 * const stack = path.path.filter((step) => step.on_stack);
 */
export type PathStepAnswer = SerializedEvent & {
  /** The event belongs to the target's call or one of its ancestors. */
  on_stack: boolean;
};

/**
 * GET /v1/events/{event_id}/path.
 *
 * @example
 * const { target, path, truncated } = answer as ExecutionPathAnswer;
 */
export interface ExecutionPathAnswer {
  target: SerializedEvent;
  /** The target's trace (or correlation) at or before it, ordered, target last. */
  path: PathStepAnswer[];
  /** True when the path was cut to its latest MAX_RESULT_ROWS steps. */
  truncated: boolean;
}

/**
 * The root call of a trace.
 *
 * @example
 * const label = `${root.module ?? ''}.${root.function ?? root.correlation_id}`;
 */
export interface TraceRootAnswer {
  correlation_id: string;
  /** event_id of its function_entry. */
  entry_event_id: string;
  ast_node_id?: string;
  service?: string;
  function?: string;
  module?: string;
}

/**
 * One trace of GET /v1/traces.
 *
 * @example
 * const slow = traces.filter((t) => t.duration_ns !== null && BigInt(t.duration_ns) > 1_000_000_000n);
 */
export interface TraceSummaryAnswer {
  trace_id: string;
  root: TraceRootAnswer;
  /** Distinct services with an event in the trace, ascending. */
  services: string[];
  /** Entry of the root call, ns. */
  start: string;
  /** The root call's duration, ns; null while it has no exit. */
  duration_ns: string | null;
  /** Distinct events of the trace. */
  events: number;
  /** Calls of the trace that failed: an `error` event, or a function_exit with data.error. */
  errors: number;
}

/**
 * GET /v1/traces: traces whose root call entered in [from, to], one page.
 *
 * @example
 * const { traces, next_cursor } = answer as TracePageAnswer;
 */
export interface TracePageAnswer {
  traces: TraceSummaryAnswer[];
  /** Pass back as `cursor` for the next page; null when this page is the last. */
  next_cursor: string | null;
}

/**
 * Call statistics of one AST node over a window.
 *
 * @example
 * const failing = nodes.filter((n) => n.errors > 0);
 */
export interface AstNodeStatsAnswer {
  ast_node_id: string;
  /** Calls entered in the window. */
  calls: number;
  /** Of those, the calls that failed. */
  errors: number;
  /** Durations of the calls that exited, ns (quantiles are ClickHouse's exact ones); null when none exited. */
  p50_ns: string | null;
  p95_ns: string | null;
  max_ns: string | null;
}

/**
 * GET /v1/ast-nodes/stats.
 *
 * @example
 * const { nodes, truncated } = answer as AstNodeStatsListAnswer;
 */
export interface AstNodeStatsListAnswer {
  from: string;
  to: string;
  /** Sorted as asked (`sort`), at most `limit`. */
  nodes: AstNodeStatsAnswer[];
  /** True when more nodes had calls than `limit`. */
  truncated: boolean;
}

/**
 * GET /v1/stats: the bridge's and the storage's counters.
 *
 * @example
 * const { storage } = answer as StatsAnswer;
 */
export interface StatsAnswer {
  bridge: Record<string, unknown>;
  storage: {
    total_events: number;
    oldest_timestamp: string | null;
    newest_timestamp: string | null;
    bytes_on_disk: number;
    bytes_uncompressed: number;
  };
}

/**
 * POST /v1/flush (standalone): the buffer was written.
 *
 * @example
 * const { events_stored } = answer as FlushAnswer;
 */
export interface FlushAnswer {
  flushed: true;
  /** Events the bridge has stored since it started. */
  events_stored: number;
}

/**
 * The body of every error answer.
 *
 * @example
 * if (!response.ok) throw new Error((await response.json() as ErrorAnswer).message);
 */
export interface ErrorAnswer {
  /** Stable code: invalid_parameter, not_found, unauthorized, storage_unavailable, query_timeout, ... */
  error: string;
  /** What is wrong, naming the parameter at fault. */
  message: string;
}
