import {
  parseEvent,
  serializeEvent,
  uuidv7,
  type ActiveAstNodesAnswer,
  type TemporalEvent,
} from '@temporal-bridge/event-schema';

import { type InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { type HttpEndpointOptions } from '../support/http';
import {
  bad,
  object,
  toAstNode,
  toAstNodeStats,
  toTracePage,
  toEvent,
  toEvents,
  toPath,
  toState,
  type AstNode,
  type AstNodeStatsList,
  type ExecutionPath,
  type RemoteStats,
  type TracePage,
  type StateSnapshot,
} from './remote-answers';
import { InvalidEventError, RemoteBridgeError } from './remote-bridge.error';
import { RestClient } from './rest-client';

/**
 * Options of `new RemoteTemporalBridge(...)`.
 *
 * @example
 * const options: RemoteTemporalBridgeOptions = { baseUrl: 'http://query:4002', apiKey: 'k', publisher: runtime, pageSize: 5_000 };
 */
export interface RemoteTemporalBridgeOptions extends HttpEndpointOptions {
  /** Where `correlateEvent` publishes (its transport, queue and retries); without one, it rejects. */
  publisher?: InstrumentationRuntime;
  /** Events per page when following `next_cursor` (server default 1000, max 10 000). */
  pageSize?: number;
  /** `flushBuffer` waits this long for the publisher's queue to drain (default 5 000 ms). */
  flushTimeoutMs?: number;
}

/**
 * The TemporalBridge API (ElixirScope's seed API) for a bridge in another
 * process: events are published through the SDK's transport, questions go to
 * the REST API. Every method returns a promise; failures reject with
 * `RemoteBridgeError` (HTTP status and the server's `{error, message}`) or
 * `InvalidEventError`, never throw synchronously. Timestamps are bigint
 * nanoseconds, sent as decimal strings.
 *
 * @example
 * const bridge = new RemoteTemporalBridge({ baseUrl: 'http://localhost:4000', apiKey: process.env.TB_API_KEY, publisher: runtime });
 * const events = await bridge.getEventsInRange(t0, t1);
 * const { state, active_calls } = await bridge.reconstructStateAt(t1);
 */
export class RemoteTemporalBridge {
  private readonly rest: RestClient;

  constructor(private readonly options: RemoteTemporalBridgeOptions) {
    this.rest = new RestClient(options);
  }

  /** Validates and queues one event (an event without event_id gets a UUIDv7); resolves once queued. */
  async correlateEvent(event: unknown): Promise<void> {
    const parsed = parseEvent(event, { fallbackEventId: uuidv7() });
    if (!parsed.ok) throw new InvalidEventError(parsed.problems);
    const publisher = this.options.publisher;
    if (publisher === undefined) {
      throw new RemoteBridgeError('correlateEvent needs a publisher (an InstrumentationRuntime with a transport)', {
        code: 'no_publisher',
      });
    }
    if (!publisher.publish(serializeEvent(parsed.event))) {
      throw new RemoteBridgeError('the event was not queued (runtime disabled, shut down, or queue full)', {
        code: 'not_queued',
      });
    }
  }

  /** Sends what the publisher holds, then asks the bridge to write its buffer now (POST /v1/flush). */
  async flushBuffer(): Promise<void> {
    const local = await this.options.publisher?.flush(this.options.flushTimeoutMs ?? 5_000);
    await this.rest.post('v1/flush');
    if (local !== undefined && !local.ok) {
      throw new RemoteBridgeError(`${local.unsent} events could not be published before the flush`, {
        code: 'unsent_events',
      });
    }
  }

  /** Every event with timestamp in [start, end], following cursors to the end. */
  async getEventsInRange(start: bigint, end: bigint, options: { service?: string } = {}): Promise<TemporalEvent[]> {
    return this.pages('v1/events', { from: nanos(start), to: nanos(end), service: options.service });
  }

  async getEventsForAstNode(astNodeId: string): Promise<TemporalEvent[]> {
    return this.pages(`v1/ast-nodes/${encodeURIComponent(astNodeId)}/events`, {});
  }

  async getEventsForCorrelation(correlationId: string): Promise<TemporalEvent[]> {
    return this.pages(`v1/correlations/${encodeURIComponent(correlationId)}/events`, {});
  }

  /**
   * Every event of [start, end], however wide (GET /v1/events/export, NDJSON),
   * as they arrive, in order: for windows too big to hold in memory.
   *
   * @example
   * for await (const event of bridge.exportEvents(t0, t1)) process(event);
   */
  async *exportEvents(start: bigint, end: bigint, options: { service?: string } = {}): AsyncGenerator<TemporalEvent> {
    const query = { from: nanos(start), to: nanos(end), service: options.service };
    let index = 0;
    for await (const line of this.rest.lines('v1/events/export', query)) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw bad(`export line ${index} is not JSON`, line, error);
      }
      yield toEvent(json, `export line ${index}`);
      index += 1;
    }
  }

  /** Every event of a trace, in order, following cursors to the end. */
  async getEventsForTrace(traceId: string): Promise<TemporalEvent[]> {
    return this.pages(`v1/traces/${encodeURIComponent(traceId)}/events`, {});
  }

  /**
   * One page of the traces whose root call entered in [start, end]
   * (GET /v1/traces): filter by root service, failures (`errors`), minimum
   * duration; sort by start (default) or duration, longest first.
   */
  async listTraces(
    start: bigint,
    end: bigint,
    options: {
      service?: string;
      errors?: boolean;
      minDurationMs?: number;
      sort?: 'start' | 'duration';
      limit?: number;
      cursor?: string;
    } = {},
  ): Promise<TracePage> {
    const query = {
      from: nanos(start),
      to: nanos(end),
      service: options.service,
      error: options.errors === undefined ? undefined : String(options.errors),
      min_duration_ms: options.minDurationMs === undefined ? undefined : String(options.minDurationMs),
      sort: options.sort,
      limit: options.limit === undefined ? undefined : String(options.limit),
      cursor: options.cursor,
    };
    return toTracePage(await this.rest.get('v1/traces', query));
  }

  /**
   * AST node ids with an event in [start, end] or a call overlapping it,
   * ascending: every one, or a rejection with code `truncated` when the
   * server's row cap cut the list (use listActiveAstNodes to take the part).
   */
  async getActiveAstNodes(start: bigint, end: bigint): Promise<string[]> {
    const answer = await this.listActiveAstNodes(start, end);
    if (answer.truncated) {
      throw new RemoteBridgeError(
        `more AST nodes were active than the server returns at once (${answer.ast_node_ids.length}): narrow the window or use listActiveAstNodes`,
        { code: 'truncated', body: answer },
      );
    }
    return answer.ast_node_ids;
  }

  /** The active AST nodes as the server answers them: at most its row cap, `truncated` when cut. */
  async listActiveAstNodes(start: bigint, end: bigint): Promise<ActiveAstNodesAnswer> {
    const answer = object(await this.rest.get('v1/ast-nodes/active', { from: nanos(start), to: nanos(end) }), 'answer');
    const ids = answer['ast_node_ids'];
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
      throw bad('ast_node_ids is not a list of strings', answer);
    if (typeof answer['truncated'] !== 'boolean') throw bad('truncated is not a boolean', answer);
    return { ast_node_ids: ids, truncated: answer['truncated'] };
  }

  /**
   * Which functions are slow or failing: per AST node, the calls entered in
   * [start, end], failures and p50/p95/max duration (GET /v1/ast-nodes/stats).
   */
  async getAstNodeStats(
    start: bigint,
    end: bigint,
    options: { service?: string; sort?: 'calls' | 'errors' | 'p50' | 'p95' | 'max'; limit?: number } = {},
  ): Promise<AstNodeStatsList> {
    const query = {
      from: nanos(start),
      to: nanos(end),
      service: options.service,
      sort: options.sort,
      limit: options.limit === undefined ? undefined : String(options.limit),
    };
    return toAstNodeStats(await this.rest.get('v1/ast-nodes/stats', query));
  }

  /** Where an AST node is in the source, per service; undefined when no manifest names it (404). */
  async getAstNode(astNodeId: string): Promise<AstNode | undefined> {
    try {
      return toAstNode(await this.rest.get(`v1/ast-nodes/${encodeURIComponent(astNodeId)}`));
    } catch (error) {
      if (error instanceof RemoteBridgeError && error.status === 404 && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async reconstructStateAt(
    timestamp: bigint,
    options: { service?: string; traceId?: string } = {},
  ): Promise<StateSnapshot> {
    const query = { at: nanos(timestamp), service: options.service, trace_id: options.traceId };
    return toState(await this.rest.get('v1/state', query));
  }

  /** The steps that led to `event` (an event, or its event_id). */
  async traceExecutionPath(event: Pick<TemporalEvent, 'event_id'> | string): Promise<ExecutionPath> {
    const id = typeof event === 'string' ? event : event.event_id;
    return toPath(await this.rest.get(`v1/events/${encodeURIComponent(id)}/path`));
  }

  async getStats(): Promise<RemoteStats> {
    const answer = object(await this.rest.get('v1/stats'), 'stats answer');
    return { bridge: object(answer['bridge'], 'bridge'), storage: object(answer['storage'], 'storage') } as RemoteStats;
  }

  private async pages(route: string, query: Record<string, string | undefined>): Promise<TemporalEvent[]> {
    const out: TemporalEvent[] = [];
    const seen = new Set<string>();
    const limit = this.options.pageSize === undefined ? undefined : String(this.options.pageSize);
    let cursor: string | undefined;
    for (;;) {
      const answer = object(await this.rest.get(route, { ...query, limit, cursor }), 'events answer');
      out.push(...toEvents(answer['events'], 'events'));
      const next = answer['next_cursor'];
      if (next === undefined || next === null || next === '') return out;
      if (typeof next !== 'string') throw bad('next_cursor is not a string', answer);
      // A server that hands back a cursor twice would make this loop forever.
      if (seen.has(next)) throw bad(`next_cursor ${next} repeats`, answer);
      seen.add(next);
      cursor = next;
    }
  }
}

function nanos(value: bigint): string {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new RemoteBridgeError(`timestamps are bigint nanoseconds since the epoch, got ${String(value)}`, {
      code: 'bad_argument',
    });
  }
  return value.toString();
}
