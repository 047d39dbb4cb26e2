import {
  getRegisteredHandler,
  setRegisteredHandler,
  systemClock,
  type Clock,
  type EventHandler,
  type TemporalEvent,
} from '@temporal-bridge/event-schema';
import {
  TemporalStorage,
  type EventPage,
  type ExecutionPath,
  type StateSnapshot,
} from '@temporal-bridge/temporal-storage';

import {
  IngestPipeline,
  type IngestObserver,
  type IngestOptions,
  type SubmitOptions,
  type SubmitResult,
} from './buffer/ingest-pipeline';
import type { CorrelationCache } from './correlation/correlation-cache';
import { Correlator } from './correlation/correlator';
import { MemoryCorrelationCache } from './correlation/memory-correlation.cache';
import { RedisCorrelationCache } from './correlation/redis-correlation.cache';
import {
  BridgeNameTakenError,
  BridgeStoppedError,
  EventNotFoundError,
  FlushTimeoutError,
  NotRegisteredError,
} from './errors';
import { BridgeRegistry } from './registry/bridge-registry';
import type { BridgeStats, TemporalBridgeStats } from './stats/bridge-stats';
import type { BridgeStorage } from './storage/bridge-storage';
import {
  DEFAULT_STORAGE,
  isCacheOptions,
  isStorageOptions,
  resolveConfig,
  type ResolvedBridgeConfig,
  type TemporalBridgeOptions,
} from './temporal-bridge.options';
import { InvalidQueryError, toNanos, toRange, type TimestampInput } from './timestamp-input';

const registry = new BridgeRegistry<TemporalBridge>();
let anonymous = 0;

/**
 * The TemporalBridge: the TypeScript counterpart of
 * ElixirScope.Capture.TemporalBridge. It validates runtime events, correlates
 * them (open calls, traces, messages), buffers them and writes them to
 * TemporalStorage in batches, and answers the Cinema queries.
 *
 * @example
 * const bridge = await TemporalBridge.start({ temporalStorage: storage, bufferSize: 1000 });
 * await bridge.correlateEvent({ event_type: 'function_entry', correlation_id: 'c1', ast_node_id: 'n1' });
 * await bridge.flushBuffer();
 * const events = await bridge.getEventsForCorrelation('c1');
 * await bridge.stop();
 */
export class TemporalBridge implements EventHandler {
  private readonly pipeline: IngestPipeline;
  private readonly timer: NodeJS.Timeout;
  private readonly createdAt = Date.now();
  private readonly clock: Clock;
  private lastCorrelationsCached: number | null = null;
  private stopping: Promise<void> | undefined;
  private unstoredAtStop = 0;
  private readonly observer: IngestObserver | undefined;
  private readonly correlator: Correlator;

  private constructor(
    readonly name: string,
    private readonly config: ResolvedBridgeConfig,
    private readonly storage: BridgeStorage,
    private readonly cache: CorrelationCache,
    private readonly owned: { storage: boolean; cache: boolean },
    options: TemporalBridgeOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.observer = options.observer;
    // A cache that lost its state (Redis flushed, standalone restarted) is completed from storage.
    const lookup = storage.findCalls === undefined ? undefined : { findCalls: storage.findCalls.bind(storage) };
    this.correlator = new Correlator(cache, lookup, (report) => options.observer?.correlationRecovery?.(report));
    this.pipeline = new IngestPipeline(
      this.correlator,
      storage,
      { ...config, maxDataBytes: options.maxDataBytes, timestampWindow: options.timestampWindow },
      this.clock,
      options.observer,
    );
    this.timer = setInterval(() => {
      if (this.pipeline.buffer.size > 0) this.pipeline.flusher.requestAll();
    }, config.flushIntervalMs);
    // A library timer must not keep the process alive; stop() flushes.
    this.timer.unref();
  }

  /**
   * Starts a bridge (start_link). Rejects when the options are invalid or the
   * name is taken; opens storage when given options rather than an instance.
   *
   * @example
   * const bridge = await TemporalBridge.start({ name: 'main', temporalStorage: { clickhouse: { kind: 'embedded', dataDir: './data' } } });
   */
  static async start(options: TemporalBridgeOptions = {}): Promise<TemporalBridge> {
    const config = resolveConfig(options);
    const name = options.name ?? `bridge-${++anonymous}`;
    if (options.name !== undefined && registry.find(name) !== undefined) throw new BridgeNameTakenError(name);
    const storageOption = options.temporalStorage ?? DEFAULT_STORAGE;
    const ownsStorage = isStorageOptions(storageOption);
    const storage: BridgeStorage = ownsStorage ? await TemporalStorage.open(storageOption) : storageOption;
    const cacheOption = options.correlationCache ?? new MemoryCorrelationCache();
    const ownsCache = options.correlationCache === undefined || isCacheOptions(cacheOption);
    const cache = isCacheOptions(cacheOption) ? new RedisCorrelationCache(cacheOption) : cacheOption;
    const owned = { storage: ownsStorage, cache: ownsCache };
    const bridge = new TemporalBridge(name, config, storage, cache, owned, options);
    try {
      if (options.name !== undefined) registry.claim(name, bridge);
    } catch (error) {
      await bridge.stop();
      throw error;
    }
    return bridge;
  }

  /** The running bridge registered under `name`, if any. */
  static whereis(name: string): TemporalBridge | undefined {
    return registry.find(name);
  }

  /**
   * Validates, correlates (at flush) and buffers one event (correlate_event).
   * Resolves with the accepted event once buffered; waits while the buffer is
   * full; rejects with InvalidEventError naming every problem.
   *
   * @example
   * await bridge.correlateEvent({ event_type: 'state_change', correlation_id: 'c1', data: { state: { cart: 3 } } });
   */
  async correlateEvent(event: unknown, options: IngestOptions = {}): Promise<TemporalEvent> {
    this.assertRunning();
    return this.pipeline.ingest(event, options);
  }

  /**
   * The batch form of correlateEvent, for the SDK's in-process transport:
   * buffers the valid events in order, reports the invalid ones (and those
   * storage refuses) by index, and resolves once the valid ones are durably
   * stored, as a Kafka ack or an HTTP 2xx would. If the bridge stops before
   * that (storage down past stopTimeoutMs) it rejects with
   * BridgeStoppedError, so the SDK keeps the batch or counts it as dropped:
   * nothing it handed over is lost without it knowing.
   *
   * @example
   * const { rejected } = await bridge.correlateEvents(events);
   */
  async correlateEvents(events: readonly unknown[]): Promise<{ rejected: Array<{ index: number; reason: string }> }> {
    const refused: Array<{ index: number; reason: string }> = [];
    const { rejected, ticket } = await this.submit(events, {
      onStorageReject: (rejects) => {
        for (const { index, reason } of rejects) refused.push({ index, reason });
      },
    });
    await this.waitUntilStored(ticket);
    return {
      rejected: [
        ...rejected.map(({ index, problems }) => ({
          index,
          reason: problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
        })),
        ...refused,
      ].sort((a, b) => a.index - b.index),
    };
  }

  /**
   * Many events at once: invalid ones are reported by index and the rest
   * buffered together. Await `waitUntilStored(result.ticket)` for durability.
   *
   * @example
   * const { accepted, rejected, ticket } = await bridge.submit(events);
   * await bridge.waitUntilStored(ticket);
   */
  async submit(events: readonly unknown[], options: SubmitOptions = {}): Promise<SubmitResult> {
    this.assertRunning();
    return this.pipeline.submit(events, options);
  }

  /**
   * Resolves once every event submitted before `ticket` is durably stored.
   *
   * @example
   * await bridge.waitUntilStored((await bridge.submit(events)).ticket);
   */
  async waitUntilStored(ticket: number, options: { timeoutMs?: number } = {}): Promise<void> {
    this.pipeline.flusher.requestAll();
    await withTimeout(this.pipeline.buffer.waitStored(ticket), options.timeoutMs);
  }

  /**
   * Writes everything buffered so far and resolves when it is stored
   * (flush_buffer). A failing storage is retried with backoff; with
   * `timeoutMs` the wait rejects with FlushTimeoutError and the events stay
   * buffered.
   *
   * @example
   * await bridge.flushBuffer({ timeoutMs: 5000 });
   */
  async flushBuffer(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.waitUntilStored(this.pipeline.buffer.endTicket, options);
  }

  /**
   * Every stored event with start <= timestamp <= end, ordered by timestamp,
   * seq, event_id (get_events_in_range). Events still buffered are not seen:
   * call flushBuffer() first to read your own writes.
   *
   * @example
   * const events = await bridge.getEventsInRange(1_764_000_000_000_000_000n, 1_764_000_060_000_000_000n);
   */
  async getEventsInRange(
    start: TimestampInput,
    end: TimestampInput,
    options: { service?: string; limit?: number } = {},
  ): Promise<TemporalEvent[]> {
    const [from, to] = toRange(start, end);
    return collectPages(
      (cursor) => this.storage.getEventsInRange(from, to, { service: options.service, cursor }),
      options.limit,
    );
  }

  /**
   * Every stored event of one AST node, in order (get_events_for_ast_node).
   *
   * @example
   * const events = await bridge.getEventsForAstNode('src/orders.ts:42:5');
   */
  async getEventsForAstNode(astNodeId: string, options: { limit?: number } = {}): Promise<TemporalEvent[]> {
    return collectPages((cursor) => this.storage.getEventsForAstNode(astNodeId, { cursor }), options.limit);
  }

  /**
   * Every stored event of one execution, in order (get_events_for_correlation).
   *
   * @example
   * const events = await bridge.getEventsForCorrelation('c1');
   */
  async getEventsForCorrelation(correlationId: string, options: { limit?: number } = {}): Promise<TemporalEvent[]> {
    return collectPages((cursor) => this.storage.getEventsForCorrelation(correlationId, { cursor }), options.limit);
  }

  /**
   * AST nodes with an event in [start, end] or a call overlapping it,
   * sorted (get_active_ast_nodes).
   *
   * @example
   * const nodes = await bridge.getActiveAstNodes(t - 60_000_000_000n, t);
   */
  async getActiveAstNodes(start: TimestampInput, end: TimestampInput): Promise<string[]> {
    const [from, to] = toRange(start, end);
    return this.storage.getActiveAstNodes(from, to);
  }

  /**
   * State at an instant: latest value per key, and the calls open then
   * (reconstruct_state_at).
   *
   * @example
   * const { state, active_calls } = await bridge.reconstructStateAt('2026-11-24T10:00:00Z');
   */
  async reconstructStateAt(
    timestamp: TimestampInput,
    options: { service?: string; traceId?: string } = {},
  ): Promise<StateSnapshot> {
    return this.storage.reconstructStateAt(toNanos(timestamp, 'timestamp'), {
      service: options.service,
      trace_id: options.traceId,
    });
  }

  /**
   * The steps that led to an event: its trace (or correlation) up to it,
   * with on_stack marks (trace_execution_path). Rejects with
   * EventNotFoundError for an unknown event id.
   *
   * @example
   * const { path } = await bridge.traceExecutionPath(errorEvent);
   */
  async traceExecutionPath(event: TemporalEvent | string): Promise<ExecutionPath> {
    if (
      typeof event !== 'string' &&
      (typeof event !== 'object' || event === null || typeof event.event_id !== 'string')
    ) {
      throw new InvalidQueryError('traceExecutionPath needs an event or an event_id');
    }
    const path = await this.storage.traceExecutionPath(event);
    if (path === undefined) throw new EventNotFoundError(typeof event === 'string' ? event : event.event_id);
    return path;
  }

  /**
   * Counters of this bridge and of its storage (get_stats).
   *
   * @example
   * const { bridge, storage } = await bridge.getStats();
   */
  async getStats(): Promise<TemporalBridgeStats> {
    // The bridge's counters are read first, so storage never shows less
    // than what the bridge reports as stored.
    const bridge = this.bridgeStats(null);
    const [storage, correlationsCached] = await Promise.all([
      this.storage.getStats(),
      // Stats stay available while Redis is down: the count is then unknown.
      this.cache.size().catch(() => null),
    ]);
    this.lastCorrelationsCached = correlationsCached ?? this.lastCorrelationsCached;
    return { bridge: { ...bridge, correlations_cached: correlationsCached }, storage };
  }

  /**
   * This bridge's counters without any I/O (for metrics scrapes and for
   * health while storage is down); correlations_cached is the last measured
   * value.
   *
   * @example
   * const { events_buffered, retrying } = bridge.localStats();
   */
  localStats(): BridgeStats {
    return this.bridgeStats(this.lastCorrelationsCached);
  }

  /**
   * Makes this bridge the process-wide handler that the SDK's in-process
   * transport sends to (register_as_handler).
   *
   * @example
   * bridge.registerAsHandler();
   */
  registerAsHandler(): void {
    this.assertRunning();
    setRegisteredHandler(this);
  }

  /**
   * Removes the process-wide handler (unregister_handler).
   *
   * @example
   * TemporalBridge.unregisterHandler();
   */
  static unregisterHandler(): void {
    setRegisteredHandler(undefined);
  }

  /**
   * The bridge registered as handler; rejects with NotRegisteredError when
   * there is none (get_registered_bridge).
   *
   * @example
   * const bridge = await TemporalBridge.getRegisteredBridge();
   */
  static async getRegisteredBridge(): Promise<TemporalBridge> {
    const handler = getRegisteredHandler();
    if (handler instanceof TemporalBridge) return handler;
    throw new NotRegisteredError();
  }

  /**
   * Records this bridge's counters (plus `extra`) in storage under
   * `instance`, for the fleet view of GET /v1/stats that a query service
   * shows. Resolves false when the storage keeps no reports.
   *
   * @example
   * await bridge.publishStats('bridge-7f9c', { paused: false });
   */
  async publishStats(instance: string, extra: Record<string, unknown> = {}): Promise<boolean> {
    if (this.storage.recordBridgeReport === undefined) return false;
    await this.storage.recordBridgeReport({
      instance,
      reported_at: this.clock.nowNanos(),
      stats: { ...this.localStats(), ...extra },
    });
    return true;
  }

  /** Readiness of storage: resolves when ClickHouse answers. */
  async pingStorage(): Promise<void> {
    await this.storage.ping();
  }

  /** Readiness of the correlation cache: resolves when Redis answers (memory always does). */
  async pingCorrelationCache(): Promise<void> {
    await this.cache.ping();
  }

  /**
   * Stops accepting events, flushes what is buffered (retrying until
   * `stopTimeoutMs`), and releases timers, the name, the handler slot and
   * whatever the bridge opened itself. Idempotent.
   *
   * @example
   * await bridge.stop();
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    registry.release(this.name, this);
    if (getRegisteredHandler() === this) setRegisteredHandler(undefined);
    try {
      await withTimeout(this.pipeline.buffer.waitStored(this.flushAllNow()), this.config.stopTimeoutMs);
    } catch (error) {
      // Storage stayed down: unstored events are lost to this process. A
      // Kafka consumer has not committed them (they are consumed again); an
      // HTTP or in-process caller waiting for them is failed by abort()
      // below. Either way it is said, never silent.
      const events = this.pipeline.buffer.size;
      this.unstoredAtStop += events;
      const reason = error instanceof Error ? error.message : String(error);
      const lastError = this.pipeline.flusher.stats.lastError;
      if (this.observer?.unstoredAtStop !== undefined) this.observer.unstoredAtStop({ events, reason, lastError });
      else
        process.emitWarning(
          `temporal bridge "${this.name}" stopped with ${events} events not stored (${reason}; last storage error: ${lastError ?? 'none'})`,
          { type: 'TemporalBridgeWarning', code: 'TB_UNSTORED_AT_STOP' },
        );
    } finally {
      this.pipeline.buffer.abort(new BridgeStoppedError(this.name));
      await this.pipeline.flusher.halt();
      if (this.owned.cache) await this.cache.close();
      if (this.owned.storage) await this.storage.close();
    }
  }

  private flushAllNow(): number {
    this.pipeline.flusher.requestAll();
    return this.pipeline.buffer.endTicket;
  }

  private assertRunning(): void {
    if (this.stopping !== undefined) throw new BridgeStoppedError(this.name);
  }

  private bridgeStats(correlationsCached: number | null): BridgeStats {
    const flush = this.pipeline.flusher.stats;
    return {
      name: this.name,
      created_at: new Date(this.createdAt).toISOString(),
      events_processed: this.pipeline.eventsProcessed,
      events_rejected: this.pipeline.eventsRejected,
      events_buffered: this.pipeline.buffer.size,
      events_stored: flush.eventsStored,
      events_refused_by_storage: flush.eventsRefused,
      events_unstored_at_stop: this.unstoredAtStop,
      correlations_recovered: this.correlator.recovery.recovered,
      correlations_unrecovered: this.correlator.recovery.unrecovered,
      buffer_flushes: flush.flushes,
      flush_failures: flush.failures,
      last_flush_latency_ms: flush.lastLatencyMs,
      last_flush_events: flush.lastEvents,
      last_flush_error: flush.lastError,
      retrying: flush.retrying,
      backpressure_waits: this.pipeline.backpressureWaits,
      correlations_cached: correlationsCached,
      config: {
        buffer_size: this.config.bufferSize,
        flush_interval_ms: this.config.flushIntervalMs,
        max_buffered_events: this.config.maxBufferedEvents,
      },
    };
  }
}

async function collectPages(
  fetchPage: (cursor: string | undefined) => Promise<EventPage>,
  limit: number | undefined,
): Promise<TemporalEvent[]> {
  const events: TemporalEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    events.push(...page.events);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && (limit === undefined || events.length < limit));
  return limit === undefined ? events : events.slice(0, limit);
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FlushTimeoutError(timeoutMs)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
