import {
  deserializeEvent,
  type ActiveCallAnswer,
  type AstNodeAnswer,
  type AstNodeLocationAnswer,
  type AstNodeStatsAnswer,
  type AstNodeStatsListAnswer,
  type TracePageAnswer,
  type TraceSummaryAnswer,
  type JsonObject,
  type SerializedEvent,
  type StateAnswer,
  type StateEntryAnswer,
  type TemporalEvent,
} from '@temporal-bridge/event-schema';

import { RemoteBridgeError } from './remote-bridge.error';

/**
 * A call entered at or before the instant with no matching exit at or before it.
 *
 * @example
 * const { active_calls } = await bridge.reconstructStateAt(t);
 * for (const call of active_calls) console.log(call.function, call.entry_timestamp);
 */
export type ActiveCall = Omit<ActiveCallAnswer, 'entry_timestamp'> & { entry_timestamp: bigint };

/**
 * One state key at the instant: its value and the event that set it (keys are per service).
 *
 * @example
 * const { state } = await bridge.reconstructStateAt(t);
 * for (const e of state) console.log(`${e.service}/${e.key} = ${JSON.stringify(e.value)} (set by ${e.event_id})`);
 */
export type StateEntry = Omit<StateEntryAnswer, 'timestamp'> & { timestamp: bigint };

/**
 * `reconstructStateAt`: every (service, key) at or before `at` with who set it, and the calls open then.
 * `state_truncated` / `active_calls_truncated` say when the server cut a list at its row cap.
 *
 * @example
 * const { state, active_calls_truncated } = await bridge.reconstructStateAt(1764000000000000000n);
 */
export interface StateSnapshot {
  at: bigint;
  state: StateEntry[];
  state_truncated: boolean;
  active_calls: ActiveCall[];
  active_calls_truncated: boolean;
}

/**
 * One step of an execution path.
 *
 * @example
 * const stack = (await bridge.traceExecutionPath(id)).path.filter((step) => step.on_stack);
 */
export interface PathStep extends TemporalEvent {
  /** The event belongs to the target's call or one of its ancestors. */
  on_stack: boolean;
}

/**
 * `traceExecutionPath`: the target's trace up to the target, in order.
 *
 * @example
 * const { target, path, truncated } = await bridge.traceExecutionPath(event);
 */
export interface ExecutionPath {
  target: TemporalEvent;
  path: PathStep[];
  /** True when the server cut the path to its latest steps. */
  truncated: boolean;
}

/**
 * `getStats`: the bridge's and the storage's counters, as the server reports them.
 *
 * @example
 * const { storage } = await bridge.getStats();
 */
export interface RemoteStats {
  bridge: JsonObject;
  storage: JsonObject;
}

/**
 * Where an AST node is, for one service (from its latest instrumentation manifest).
 *
 * @example
 * const where = `${location.file}:${location.line}:${location.column}`;
 */
export type AstNodeLocation = Omit<AstNodeLocationAnswer, 'seen_at'> & { seen_at: bigint };

/**
 * `getAstNode`: the node's locations, one per service that published it.
 *
 * @example
 * const node = await bridge.getAstNode('src/cart.ts:Cart.add:method');
 */
export interface AstNode {
  ast_node_id: string;
  locations: AstNodeLocation[];
}

/**
 * One trace of `listTraces`: root call, services, start and duration as bigint nanoseconds, counts.
 *
 * @example
 * const { traces } = await bridge.listTraces(from, to, { errors: true });
 * for (const t of traces) console.log(t.trace_id, t.root.function, t.duration_ns);
 */
export type TraceSummary = Omit<TraceSummaryAnswer, 'start' | 'duration_ns'> & {
  start: bigint;
  /** null while the root call has no exit. */
  duration_ns: bigint | null;
};

/**
 * `listTraces`: one page; pass `next_cursor` back as `cursor` for the next.
 *
 * @example
 * let page = await bridge.listTraces(from, to);
 * while (page.next_cursor !== null) page = await bridge.listTraces(from, to, { cursor: page.next_cursor });
 */
export interface TracePage {
  traces: TraceSummary[];
  next_cursor: string | null;
}

/**
 * One node of `getAstNodeStats`, durations as bigint nanoseconds (null when no call exited).
 *
 * @example
 * const slowest = (await bridge.getAstNodeStats(from, to, { sort: 'p95' })).nodes[0];
 */
export type AstNodeStats = Omit<AstNodeStatsAnswer, 'p50_ns' | 'p95_ns' | 'max_ns'> & {
  p50_ns: bigint | null;
  p95_ns: bigint | null;
  max_ns: bigint | null;
};

/**
 * `getAstNodeStats`: per node calls, failures and durations; `truncated` when cut at the limit.
 *
 * @example
 * const { nodes, truncated } = await bridge.getAstNodeStats(from, to);
 */
export interface AstNodeStatsList {
  from: bigint;
  to: bigint;
  nodes: AstNodeStats[];
  truncated: boolean;
}

// Answers are trusted in content (the server validated the events when it
// stored them) but not in shape: a wrong shape is a typed error, not a crash.

export function bad(what: string, body?: unknown, cause?: unknown): RemoteBridgeError {
  return new RemoteBridgeError(`unexpected answer from the bridge: ${what}`, { code: 'bad_response', body, cause });
}

export function object(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad(`${what} is not a JSON object`, body);
  return body as Record<string, unknown>;
}

export function toEvent(value: unknown, what: string): TemporalEvent {
  const json = object(value, what) as unknown as SerializedEvent;
  if (typeof json.event_id !== 'string' || typeof json.correlation_id !== 'string')
    throw bad(`${what} is not an event`, value);
  try {
    return deserializeEvent(json);
  } catch (error) {
    throw bad(`${what} has a malformed nanosecond value`, value, error);
  }
}

export function toEvents(value: unknown, what: string): TemporalEvent[] {
  if (!Array.isArray(value)) throw bad(`${what} is not an array`, value);
  return value.map((item: unknown, i) => toEvent(item, `${what}[${i}]`));
}

export function toNanos(value: unknown, what: string): bigint {
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw bad(`${what} is not decimal nanoseconds`, value);
}

export function toState(body: unknown): StateSnapshot {
  const answer = object(body, 'state answer') as unknown as StateAnswer;
  if (!Array.isArray(answer.state)) throw bad('state is not an array', body);
  if (!Array.isArray(answer.active_calls)) throw bad('active_calls is not an array', body);
  if (typeof answer.state_truncated !== 'boolean' || typeof answer.active_calls_truncated !== 'boolean')
    throw bad('state_truncated / active_calls_truncated are not booleans', body);
  return {
    at: toNanos(answer.at, 'at'),
    state: answer.state.map((item: unknown, i) => {
      const entry = object(item, `state[${i}]`) as unknown as StateEntryAnswer;
      if (typeof entry.key !== 'string' || typeof entry.event_id !== 'string')
        throw bad(`state[${i}] is not a state entry`, item);
      return { ...entry, timestamp: toNanos(entry.timestamp, `state[${i}].timestamp`) };
    }),
    state_truncated: answer.state_truncated,
    active_calls: answer.active_calls.map((item: unknown, i) => {
      const call = object(item, `active_calls[${i}]`) as unknown as ActiveCallAnswer;
      return { ...call, entry_timestamp: toNanos(call.entry_timestamp, `active_calls[${i}].entry_timestamp`) };
    }),
    active_calls_truncated: answer.active_calls_truncated,
  };
}

export function toPath(body: unknown): ExecutionPath {
  const answer = object(body, 'path answer');
  const steps = answer['path'];
  if (!Array.isArray(steps)) throw bad('path is not an array', body);
  return {
    target: toEvent(answer['target'], 'target'),
    path: steps.map((item: unknown, i) => {
      const step = object(item, `path[${i}]`);
      return { ...toEvent(step, `path[${i}]`), on_stack: step['on_stack'] === true };
    }),
    truncated: answer['truncated'] === true,
  };
}

export function toAstNode(body: unknown): AstNode {
  const answer = object(body, 'AST node answer') as unknown as AstNodeAnswer;
  if (typeof answer.ast_node_id !== 'string' || !Array.isArray(answer.locations))
    throw bad('not an AST node answer', body);
  return {
    ast_node_id: answer.ast_node_id,
    locations: answer.locations.map((item: unknown, i) => {
      const location = object(item, `locations[${i}]`) as unknown as AstNodeLocationAnswer;
      return { ...location, seen_at: toNanos(location.seen_at, `locations[${i}].seen_at`) };
    }),
  };
}

export function toTracePage(body: unknown): TracePage {
  const answer = object(body, 'traces answer') as unknown as TracePageAnswer;
  if (!Array.isArray(answer.traces)) throw bad('traces is not an array', body);
  const next = answer.next_cursor;
  if (next !== null && typeof next !== 'string') throw bad('next_cursor is not a string or null', body);
  return {
    traces: answer.traces.map((item: unknown, i) => {
      const trace = object(item, `traces[${i}]`) as unknown as TraceSummaryAnswer;
      if (typeof trace.trace_id !== 'string') throw bad(`traces[${i}] has no trace_id`, item);
      return {
        ...trace,
        start: toNanos(trace.start, `traces[${i}].start`),
        duration_ns: trace.duration_ns === null ? null : toNanos(trace.duration_ns, `traces[${i}].duration_ns`),
      };
    }),
    next_cursor: next,
  };
}

export function toAstNodeStats(body: unknown): AstNodeStatsList {
  const answer = object(body, 'AST node stats answer') as unknown as AstNodeStatsListAnswer;
  if (!Array.isArray(answer.nodes) || typeof answer.truncated !== 'boolean')
    throw bad('not an AST node stats answer', body);
  const maybe = (value: unknown, what: string): bigint | null => (value === null ? null : toNanos(value, what));
  return {
    from: toNanos(answer.from, 'from'),
    to: toNanos(answer.to, 'to'),
    nodes: answer.nodes.map((item: unknown, i) => {
      const node = object(item, `nodes[${i}]`) as unknown as AstNodeStatsAnswer;
      return {
        ...node,
        p50_ns: maybe(node.p50_ns, `nodes[${i}].p50_ns`),
        p95_ns: maybe(node.p95_ns, `nodes[${i}].p95_ns`),
        max_ns: maybe(node.max_ns, `nodes[${i}].max_ns`),
      };
    }),
    truncated: answer.truncated,
  };
}
