import {
  serializeEvent,
  type ActiveCallAnswer,
  type AstNodeAnswer,
  type AstNodeStatsListAnswer,
  type SerializedEvent,
  type StateAnswer,
  type TracePageAnswer,
} from '@temporal-bridge/event-schema';
import type {
  AstNodeLocation,
  AstNodeStatsList,
  EventPage,
  ExecutionPath,
  StateSnapshot,
  StorageStats,
  TracePage,
} from '@temporal-bridge/temporal-storage';

/*
 * Storage answers hold bigint nanoseconds, which JSON cannot carry: every
 * one goes out as a decimal string (docs/architecture.md, "Timestamps go out as
 * decimal strings everywhere").
 */

/** An active call with `entry_timestamp` as a decimal string. */
export type SerializedActiveCall = ActiveCallAnswer;

/** GET /v1/state: every cap stated (`state_truncated`, `active_calls_truncated`). */
export function serializeStateSnapshot(snapshot: StateSnapshot): StateAnswer {
  return {
    at: snapshot.at.toString(),
    state: snapshot.state.map((entry) => ({ ...entry, timestamp: entry.timestamp.toString() })),
    state_truncated: snapshot.state_truncated,
    active_calls: snapshot.active_calls.map((call) => ({ ...call, entry_timestamp: call.entry_timestamp.toString() })),
    active_calls_truncated: snapshot.active_calls_truncated,
  };
}

/** GET /v1/events/{event_id}/path: serialized events, each step with its `on_stack` mark. */
export function serializeExecutionPath(path: ExecutionPath): {
  target: SerializedEvent;
  path: Array<SerializedEvent & { on_stack: boolean }>;
  truncated: boolean;
} {
  return {
    target: serializeEvent(path.target),
    path: path.path.map((step) => ({ ...serializeEvent(step), on_stack: step.on_stack })),
    truncated: path.truncated,
  };
}

/** The `storage` part of GET /v1/stats. */
export function serializeStorageStats(stats: StorageStats): Record<string, number | string | null> {
  return {
    total_events: stats.total_events,
    oldest_timestamp: stats.oldest_timestamp?.toString() ?? null,
    newest_timestamp: stats.newest_timestamp?.toString() ?? null,
    bytes_on_disk: stats.bytes_on_disk,
    bytes_uncompressed: stats.bytes_uncompressed,
  };
}

/**
 * A value safe for JSON.stringify: bigints become decimal strings, at any
 * depth. For stats whose shape this service does not own (the bridge's).
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonSafe(item)]));
  }
  return value;
}

/** GET /v1/events, /v1/ast-nodes/{id}/events, /v1/correlations/{id}/events */
export function serializeEventPage(page: EventPage): { events: SerializedEvent[]; next_cursor: string | null } {
  return { events: page.events.map(serializeEvent), next_cursor: page.next_cursor };
}

/** GET /v1/ast-nodes/{id} */
export function serializeAstNode(astNodeId: string, locations: readonly AstNodeLocation[]): AstNodeAnswer {
  return {
    ast_node_id: astNodeId,
    locations: locations.map((location) => ({ ...location, seen_at: location.seen_at.toString() })),
  };
}

/** GET /v1/traces */
export function serializeTracePage(page: TracePage): TracePageAnswer {
  return {
    traces: page.traces.map((trace) => ({
      ...trace,
      start: trace.start.toString(),
      duration_ns: trace.duration_ns?.toString() ?? null,
    })),
    next_cursor: page.next_cursor,
  };
}

/** GET /v1/ast-nodes/stats */
export function serializeAstNodeStats(from: bigint, to: bigint, list: AstNodeStatsList): AstNodeStatsListAnswer {
  return {
    from: from.toString(),
    to: to.toString(),
    nodes: list.nodes.map((node) => ({
      ...node,
      p50_ns: node.p50_ns?.toString() ?? null,
      p95_ns: node.p95_ns?.toString() ?? null,
      max_ns: node.max_ns?.toString() ?? null,
    })),
    truncated: list.truncated,
  };
}
