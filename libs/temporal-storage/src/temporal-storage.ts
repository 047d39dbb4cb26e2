import type { TemporalEvent } from '@temporal-bridge/event-schema';

import { ClientGateway, type ClickHouseGateway } from './connection/clickhouse-gateway';
import { createClients } from './connection/client-factory';
import { toStorageError } from './connection/error-mapping';
import { InvalidArgumentError } from './errors';
import { encodeEventRows, EVENT_INSERT_COLUMNS } from './ingest/event-rows';
import { readActiveAstNodes } from './query/active-nodes.query';
import { readAstNodeLocations } from './query/ast-node-location.query';
import { readAstNodeStats } from './query/ast-node-stats.query';
import { readBridgeReports, writeBridgeReport } from './query/bridge-reports.query';
import { readOpenCalls } from './query/active-calls.query';
import { readStoredCalls } from './query/call-lookup.query';
import { checkFilter, checkId, checkRange, checkTimestamp, pageLimit } from './query/arguments';
import { queryFingerprint } from './query/cursor';
import { readEvent, readEventPage } from './query/event-pages.query';
import { readExecutionPath } from './query/execution-path.query';
import type { QueryContext } from './query/query-context';
import { readStateAt } from './query/state-at.query';
import { readStats } from './query/stats.query';
import { readTracePage } from './query/traces.query';
import { readEventHistogram } from './query/event-histogram.query';
import { readWindowCalls } from './query/window-calls.query';
import { quoteDatabase } from './schema/migration';
import { MigrationRunner } from './schema/migration-runner';
import type { SchemaLayout } from './schema/cluster-layout';
import { MIGRATIONS } from './schema/migrations';
import { applyRetention } from './schema/retention';
import type {
  ActiveAstNodes,
  AstNodeLocation,
  AstNodeStatsList,
  AstNodeStatsOptions,
  StoredCall,
  BridgeReport,
  EventPage,
  ExecutionPath,
  PageOptions,
  QueryOptions,
  RangeOptions,
  StateOptions,
  StateSnapshot,
  StorageStats,
  TemporalStorageOptions,
  TraceListOptions,
  TracePage,
} from './storage.types';
import type { CallPage, CallsOptions, EventHistogram, HistogramOptions } from './timeline.types';

/** Most buckets one histogram answers (a density strip needs one per pixel column at most). */
export const MAX_HISTOGRAM_BUCKETS = 10_000;

/** A batch of events encoded for the events table (TemporalStorage.encodeEvents); opaque outside. */
export interface EncodedEvents {
  readonly rows: number;
  readonly body: string;
  readonly __brand: 'EncodedEvents';
}

const DEFAULTS = { database: 'temporal_bridge', retentionDays: 30, queryTimeoutMs: 10_000, maxResultRows: 10_000 };

/**
 * Events in ClickHouse and the Cinema primitives over them, on a server
 * (URL) or embedded chdb (data directory) through the same SQL.
 *
 * Every method is async and rejects with a StorageError subclass: never a
 * synchronous throw, never an untyped error. Every value is bound as a query
 * parameter; the database name, validated at open(), is the one identifier
 * written into SQL.
 *
 * @example
 * const storage = await TemporalStorage.open({ clickhouse: { kind: 'embedded', dataDir: './data' } });
 * await storage.insertEvents(events);
 * const { events: page, next_cursor } = await storage.getEventsInRange(from, to, { limit: 1000 });
 * await storage.close();
 */
export class TemporalStorage {
  private constructor(
    /** The database holding the tables. */
    readonly database: string,
    private readonly gateway: ClickHouseGateway,
    private readonly ctx: QueryContext,
  ) {}

  /**
   * Connects, creates the database if missing, applies the migrations it
   * lacks (recorded in schema_migrations) and sets the retention TTL.
   */
  static async open(options: TemporalStorageOptions): Promise<TemporalStorage> {
    const settings = { ...DEFAULTS, ...definedOnly(options) };
    const db = quoteDatabase(settings.database);
    if (db === undefined) {
      throw new InvalidArgumentError(
        `open: database "${settings.database}" is not an identifier ([A-Za-z_][A-Za-z0-9_]{0,63})`,
      );
    }
    if (!Number.isSafeInteger(settings.retentionDays) || settings.retentionDays < 0) {
      throw new InvalidArgumentError('open: retentionDays must be a whole number of days, 0 to keep forever');
    }
    const cluster = settings.cluster;
    if (cluster !== undefined && quoteDatabase(cluster) === undefined) {
      throw new InvalidArgumentError(`open: cluster "${cluster}" is not an identifier ([A-Za-z_][A-Za-z0-9_]{0,63})`);
    }
    const layout: SchemaLayout = cluster === undefined ? { kind: 'single' } : { kind: 'cluster', cluster };
    if (!(settings.queryTimeoutMs > 0)) throw new InvalidArgumentError('open: queryTimeoutMs must be positive');
    if (!Number.isSafeInteger(settings.maxResultRows) || settings.maxResultRows < 1) {
      throw new InvalidArgumentError('open: maxResultRows must be a positive integer');
    }
    let gateway: ClickHouseGateway | undefined;
    try {
      // The client's own timeout only guards against a dead socket: ClickHouse enforces queryTimeoutMs.
      const handles = await createClients(options.clickhouse, Math.max(30_000, settings.queryTimeoutMs + 5_000));
      gateway = new ClientGateway(handles, options.clickhouse.kind === 'embedded', settings.queryTimeoutMs);
      await new MigrationRunner(gateway, db, layout).run(MIGRATIONS);
      await applyRetention(gateway, settings.database, db, settings.retentionDays, layout);
      return new TemporalStorage(settings.database, gateway, { gateway, db, maxResultRows: settings.maxResultRows });
    } catch (error) {
      await gateway?.close();
      throw toStorageError(error, 'open');
    }
  }

  /**
   * Stores a batch with one INSERT; resolves once ClickHouse has written it
   * (no async insert). Idempotent by event_id: inserting the same events
   * again, or overlapping batches, never shows an event twice in any answer.
   */
  async insertEvents(events: readonly TemporalEvent[]): Promise<void> {
    if (!Array.isArray(events)) throw new InvalidArgumentError('insertEvents: events must be an array');
    if (events.length === 0) return;
    await this.insertEncoded(TemporalStorage.encodeEvents(events));
  }

  /**
   * The rows insertEvents would send for these events, encoded once. With
   * insertEncoded, the storage floor of the ingest benches: the cost of
   * storing events with the encoding taken out of the measurement.
   */
  static encodeEvents(events: readonly TemporalEvent[]): EncodedEvents {
    return { rows: events.length, body: encodeEventRows(events) } as EncodedEvents;
  }

  /** Stores rows from encodeEvents exactly as insertEvents stores its batch (one INSERT, durable). */
  async insertEncoded(encoded: EncodedEvents): Promise<void> {
    if (encoded.rows === 0) return;
    await this.gateway.insertTabSeparated(`${this.ctx.db}.events`, EVENT_INSERT_COLUMNS, encoded.body, 'insertEvents');
  }

  /**
   * The stored entries of these calls, by correlation_id (the ones never
   * entered are absent): for a correlation cache that lost its state. One
   * query however many ids; at most `maxResultRows` ids per call.
   */
  async findCalls(correlationIds: readonly string[], opts: QueryOptions = {}): Promise<Map<string, StoredCall>> {
    if (!Array.isArray(correlationIds)) throw new InvalidArgumentError('findCalls: correlationIds must be an array');
    if (correlationIds.length > this.ctx.maxResultRows)
      throw new InvalidArgumentError(
        `findCalls: at most ${this.ctx.maxResultRows} ids at once, got ${correlationIds.length}`,
      );
    return readStoredCalls(this.ctx, correlationIds, opts.signal);
  }

  /** The event with this id, or undefined. */
  async getEvent(eventId: string, opts: QueryOptions = {}): Promise<TemporalEvent | undefined> {
    return readEvent(this.ctx, checkId('getEvent', 'eventId', eventId), opts.signal);
  }

  /** Events with from <= timestamp <= to, in order (timestamp, seq with absent first, event_id), paged. */
  async getEventsInRange(from: bigint, to: bigint, opts: RangeOptions = {}): Promise<EventPage> {
    const what = 'getEventsInRange';
    const range = checkRange(what, from, to);
    const service = checkFilter(what, 'service', opts.service);
    return readEventPage(this.ctx, {
      what,
      fingerprint: queryFingerprint('range', range.from, range.to, service),
      where:
        'timestamp >= {from:Int64} AND timestamp <= {to:Int64}' +
        (service === undefined ? '' : ' AND service = {service:String}'),
      params: { from: range.from, to: range.to, service },
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      signal: opts.signal,
    });
  }

  /** Every event emitted by this AST node, in order, paged. */
  async getEventsForAstNode(astNodeId: string, opts: PageOptions = {}): Promise<EventPage> {
    const what = 'getEventsForAstNode';
    const id = checkId(what, 'astNodeId', astNodeId);
    return readEventPage(this.ctx, {
      what,
      fingerprint: queryFingerprint('ast_node', id),
      where: 'ast_node_id = {ast_node_id:String}',
      params: { ast_node_id: id },
      useProjection: true,
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      signal: opts.signal,
    });
  }

  /** Every event of this correlation id (one call), in order, paged. */
  async getEventsForCorrelation(correlationId: string, opts: PageOptions = {}): Promise<EventPage> {
    const what = 'getEventsForCorrelation';
    const id = checkId(what, 'correlationId', correlationId);
    return readEventPage(this.ctx, {
      what,
      fingerprint: queryFingerprint('correlation', id),
      where: 'correlation_id = {correlation_id:String}',
      params: { correlation_id: id },
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      signal: opts.signal,
    });
  }

  /** Every event of this trace, in order, paged. */
  async getEventsForTrace(traceId: string, opts: PageOptions = {}): Promise<EventPage> {
    const what = 'getEventsForTrace';
    const id = checkId(what, 'traceId', traceId);
    return readEventPage(this.ctx, {
      what,
      fingerprint: queryFingerprint('trace', id),
      where: 'trace_id = {trace_id:String}',
      params: { trace_id: id },
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      signal: opts.signal,
    });
  }

  /**
   * The traces whose root call (a call without parent) entered in [from, to]:
   * root call, services, start, duration, event and failed-call counts;
   * sorted by start (default) or duration (longest first), paged.
   */
  async listTraces(from: bigint, to: bigint, opts: TraceListOptions = {}): Promise<TracePage> {
    const what = 'listTraces';
    const range = checkRange(what, from, to);
    const service = checkFilter(what, 'service', opts.service);
    const sort = opts.sort ?? 'start';
    if (sort !== 'start' && sort !== 'duration') {
      throw new InvalidArgumentError(`${what}: sort must be 'start' or 'duration'`);
    }
    if (opts.errors !== undefined && typeof opts.errors !== 'boolean') {
      throw new InvalidArgumentError(`${what}: errors must be a boolean`);
    }
    const minDuration =
      opts.minDurationNs === undefined ? undefined : checkTimestamp(what, 'minDurationNs', opts.minDurationNs);
    const filters = [service, opts.errors === undefined ? undefined : String(opts.errors), minDuration, sort];
    return readTracePage(this.ctx, {
      from: range.from,
      to: range.to,
      service,
      errors: opts.errors,
      minDurationNs: minDuration,
      sort,
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      fingerprint: queryFingerprint('traces', range.from, range.to, ...filters),
      signal: opts.signal,
    });
  }

  /**
   * Per AST node, the calls entered in [from, to]: count, failures, exact
   * p50/p95/max duration of those that exited; sorted descending by `sort`
   * (default calls), at most `limit` nodes, `truncated` when there were more.
   */
  async getAstNodeStats(from: bigint, to: bigint, opts: AstNodeStatsOptions = {}): Promise<AstNodeStatsList> {
    const what = 'getAstNodeStats';
    const range = checkRange(what, from, to);
    const sort = opts.sort ?? 'calls';
    if (!['calls', 'errors', 'p50', 'p95', 'max'].includes(sort)) {
      throw new InvalidArgumentError(`${what}: sort must be one of calls, errors, p50, p95, max`);
    }
    return readAstNodeStats(this.ctx, {
      from: range.from,
      to: range.to,
      service: checkFilter(what, 'service', opts.service),
      sort,
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      signal: opts.signal,
    });
  }

  /**
   * Where an AST node is in the source: one location per service that
   * published it in its manifest (the latest), ordered by service; empty
   * when no manifest named it.
   */
  async getAstNodeLocations(astNodeId: string, opts: QueryOptions = {}): Promise<AstNodeLocation[]> {
    return readAstNodeLocations(this.ctx, checkId('getAstNodeLocations', 'astNodeId', astNodeId), opts.signal);
  }

  /**
   * Sorted distinct AST nodes with an event in [from, to] or belonging to a
   * call that overlaps it (entered at or before `to`, not exited before `from`).
   * Every one of them: the seed API's answer. Answers for clients use
   * findActiveAstNodes, which caps the list and says so.
   */
  async getActiveAstNodes(from: bigint, to: bigint, opts: QueryOptions = {}): Promise<string[]> {
    const range = checkRange('getActiveAstNodes', from, to);
    return readActiveAstNodes(this.ctx, range.from, range.to, opts.signal);
  }

  /**
   * getActiveAstNodes cut to the first `limit` ids (default and maximum
   * maxResultRows), with `truncated` true when there were more.
   */
  async findActiveAstNodes(
    from: bigint,
    to: bigint,
    opts: QueryOptions & { limit?: number } = {},
  ): Promise<ActiveAstNodes> {
    const what = 'findActiveAstNodes';
    const range = checkRange(what, from, to);
    const limit = pageLimit(what, opts.limit, this.ctx.maxResultRows);
    const ids = await readActiveAstNodes(this.ctx, range.from, range.to, opts.signal);
    return { ast_node_ids: ids.slice(0, limit), truncated: ids.length > limit };
  }

  /**
   * The latest value of every state key (data.state of state_change,
   * data.variables of variable_snapshot) at or before `at`, per service, with
   * the event that set it; and the calls entered at or before `at` that have
   * no exit at or before it. Both capped at maxResultRows, saying so.
   */
  async reconstructStateAt(at: bigint, opts: StateOptions = {}): Promise<StateSnapshot> {
    const what = 'reconstructStateAt';
    const instant = checkTimestamp(what, 'at', at);
    const service = checkFilter(what, 'service', opts.service);
    const traceId = checkFilter(what, 'trace_id', opts.trace_id);
    const [state, open] = await Promise.all([
      readStateAt(this.ctx, { at: instant, service, traceId }, this.ctx.maxResultRows, opts.signal),
      readOpenCalls(
        this.ctx,
        { enteredBy: instant, closedBy: instant, service, traceId },
        this.ctx.maxResultRows,
        opts.signal,
        what,
      ),
    ]);
    return {
      at: instant,
      state: state.entries,
      state_truncated: state.truncated,
      active_calls: open.calls,
      active_calls_truncated: open.truncated,
    };
  }

  /**
   * The steps that led to an event: its trace's events (its correlation's,
   * without a trace id) up to and including it, each marked on_stack when it
   * belongs to the target's call or an ancestor. Undefined for an unknown event.
   */
  async traceExecutionPath(
    target: TemporalEvent | string,
    opts: QueryOptions = {},
  ): Promise<ExecutionPath | undefined> {
    const what = 'traceExecutionPath';
    let event: TemporalEvent | undefined;
    if (typeof target === 'string') {
      event = await readEvent(this.ctx, checkId(what, 'target', target), opts.signal);
      if (event === undefined) return undefined;
    } else {
      if (typeof target !== 'object' || target === null)
        throw new InvalidArgumentError(`${what}: target must be an event or an event_id`);
      checkId(what, 'target.event_id', target.event_id);
      checkTimestamp(what, 'target.timestamp', target.timestamp);
      event = target;
    }
    return readExecutionPath(this.ctx, event, opts.signal);
  }

  /**
   * The calls overlapping [from, to] (entered at or before `to`, not exited
   * before `from`; open calls included), in entry order, paged: for timelines.
   */
  async getCallsInWindow(from: bigint, to: bigint, opts: CallsOptions = {}): Promise<CallPage> {
    const what = 'getCallsInWindow';
    const range = checkRange(what, from, to);
    const service = checkFilter(what, 'service', opts.service);
    const traceId = checkFilter(what, 'trace_id', opts.trace_id);
    return readWindowCalls(this.ctx, {
      ...range,
      service,
      traceId,
      limit: pageLimit(what, opts.limit, this.ctx.maxResultRows),
      cursor: opts.cursor,
      fingerprint: queryFingerprint('calls', range.from, range.to, service, traceId),
      signal: opts.signal,
    });
  }

  /** Distinct events per equal time bucket over [from, to] (1 to 10 000 buckets): for density strips. */
  async getEventHistogram(
    from: bigint,
    to: bigint,
    buckets: number,
    opts: HistogramOptions = {},
  ): Promise<EventHistogram> {
    const what = 'getEventHistogram';
    const range = checkRange(what, from, to);
    if (!Number.isSafeInteger(buckets) || buckets < 1 || buckets > MAX_HISTOGRAM_BUCKETS) {
      throw new InvalidArgumentError(`${what}: buckets must be an integer from 1 to ${MAX_HISTOGRAM_BUCKETS}`);
    }
    const service = checkFilter(what, 'service', opts.service);
    return readEventHistogram(this.ctx, { ...range, buckets, service, signal: opts.signal });
  }

  /** Deduplicated event count, time span, and bytes on disk / uncompressed over all tables. */
  async getStats(opts: QueryOptions = {}): Promise<StorageStats> {
    return readStats(this.ctx, this.database, opts.signal);
  }

  /**
   * Records a bridge replica's stats, so that a query service that cannot
   * reach the replicas can show the fleet (GET /v1/stats).
   */
  async recordBridgeReport(report: BridgeReport): Promise<void> {
    const what = 'recordBridgeReport';
    checkId(what, 'instance', report.instance);
    checkTimestamp(what, 'reported_at', report.reported_at);
    await writeBridgeReport(this.ctx, report);
  }

  /** The latest report of each replica that reported within `maxAgeMs` (default one minute), by instance. */
  async listBridgeReports(opts: QueryOptions & { maxAgeMs?: number } = {}): Promise<BridgeReport[]> {
    const maxAgeMs = opts.maxAgeMs ?? 60_000;
    if (!Number.isSafeInteger(maxAgeMs) || maxAgeMs < 0) {
      throw new InvalidArgumentError(
        `listBridgeReports: maxAgeMs must be a non-negative integer, got ${String(maxAgeMs)}`,
      );
    }
    const since = BigInt(Date.now() - maxAgeMs) * 1_000_000n;
    return readBridgeReports(this.ctx, since, opts.signal);
  }

  /** Resolves when ClickHouse answers; rejects with StorageUnavailableError otherwise. */
  async ping(): Promise<void> {
    await this.gateway.ping();
  }

  /** Closes the connections; later calls reject with StorageUnavailableError. */
  async close(): Promise<void> {
    await this.gateway.close();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
