import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

import type { JsonObject } from '@temporal-bridge/event-schema';

import { type EventDataBuilder } from '../capture/event-data.builder';
import { type EventSender } from '../pipeline/event-sender';
import { StatsCounters } from '../pipeline/runtime-stats';
import { type CallContext } from '../runtime/call-context';
import { CurrentContext } from '../runtime/current-context';
import { type InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { type RuntimeCore } from '../runtime/runtime-core';
import { type Sampler } from '../runtime/sampler';
import { GeneratorRecord, type AutoCall, type NodeInfo } from './auto-call';
import { CallEvents } from './call-events';
import { FastArgs } from './fast-args';
import { checkDescriptor, type ModuleDescriptor } from './descriptor';
import { ModuleProbes, SilentProbes } from './module-probes';
import { NOOP_PROBES } from './noop-probes';

/** The global the transformed code reads its probe host from (docs/auto-instrumentation.md). */
export const PROBES_KEY = Symbol.for('temporal-bridge.probes');

/** Default calls recorded per AST node per second. */
export const DEFAULT_NODE_BUDGET = 100;
const DEFAULT_REPORT_MS = 10_000;
/** Node ids per report event (keeps each event's data small). */
const REPORT_CHUNK = 100;
const TICK_MS = 250;
/** A node's `left` when nothing is to be counted down (int32 maximum: no count reaches it in a window). */
const UNLIMITED_TOKENS = 0x7fffffff;

/**
 * Settings of the probe host.
 *
 * @example
 * new ProbeHost(runtime, { nodeBudget: 'unlimited', reportIntervalMs: 0 });
 */
export interface ProbeHostOptions {
  /** Calls recorded per AST node per second (default 100); `unlimited` records every call. */
  nodeBudget?: number | 'unlimited';
  /** Period of the `log` event with the per-node counts of unrecorded calls (default 10 000 ms; 0: none). */
  reportIntervalMs?: number;
  /** Called once per instrumented module as it loads (register publishes the manifest from it). */
  onModule?: (descriptor: ModuleDescriptor) => void;
  /** A module whose descriptor is unusable (it runs with no-op probes). */
  warn?: (message: string) => void;
}

/**
 * Counters per AST node.
 *
 * @example
 * host.nodeCounts().find((n) => n.ast_node_id === 'src/app.ts:main:function'); // { hits: 3, unrecorded: 0, ... }
 */
export interface NodeCount {
  ast_node_id: string;
  /** Every call (exact, recorded or not). */
  hits: number;
  /** Calls beyond the node's budget: counted, not recorded. */
  unrecorded: number;
}

/**
 * The probe host of automatic instrumentation: `module(descriptor)` gives an
 * instrumented module its probes (`e/c/r/t/x/s/u`, see ModuleProbes), all
 * emitting through one InstrumentationRuntime (its queue, transport,
 * sampling, capture rules, and its current call, so manual `traced()` and
 * `stateChange()` calls nest with automatic ones).
 *
 * Budget: each node records at most `nodeBudget` calls per one-second window
 * (a token bucket refilled every second); later calls are only counted, and
 * so are calls that start while the runtime's queue is full; their counts
 * are reported as `log` events every `reportIntervalMs` and in `nodeCounts()`.
 *
 * @example
 * const host = new ProbeHost(runtime);
 * host.install(); // globalThis[Symbol.for('temporal-bridge.probes')] = host
 * await host.shutdown();
 */
export class ProbeHost {
  /** Emission on (an enabled runtime) and not inside the SDK's own capture of a value. */
  recording: boolean;
  readonly unlimited: boolean;
  readonly budget: number;
  /** The budget window: whole seconds of the monotonic clock. */
  epoch = -1;
  /** What each node's `left` is set to at a new window: the budget, or (no budget to keep) more than any count. */
  readonly tokens: number;
  readonly context: CurrentContext;
  readonly counters: StatsCounters;
  readonly captureArgs: boolean;
  readonly captureResult: boolean;
  // Set when the runtime is enabled; only read on paths that `recording` guards.
  readonly events!: CallEvents;
  readonly data!: EventDataBuilder;
  readonly sampler!: Sampler;
  readonly fastArgs!: FastArgs;
  readonly sender!: EventSender;
  /** Recorded calls not yet exited: the queue keeps room for their exits. */
  open = 0;
  private readonly core: RuntimeCore | undefined;
  private readonly modules: ModuleProbes[] = [];
  private readonly openGenerators = new Set<GeneratorRecord>();
  private readonly registry: FinalizationRegistry<GeneratorRecord>;
  private readonly seenErrors = new WeakSet<object>();
  private lastPrimitiveError: unknown = undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    runtime: InstrumentationRuntime | undefined,
    private readonly options: ProbeHostOptions = {},
  ) {
    const core = runtime?.coreForProbes();
    this.core = core;
    const budget = options.nodeBudget ?? DEFAULT_NODE_BUDGET;
    this.unlimited = budget === 'unlimited';
    this.budget = budget === 'unlimited' ? Number.MAX_SAFE_INTEGER : budget;
    this.tokens = budget === 'unlimited' || core === undefined ? UNLIMITED_TOKENS : budget;
    this.context = core?.context ?? new CurrentContext(new AsyncLocalStorage<CallContext>());
    this.counters = core?.stats ?? new StatsCounters();
    this.captureArgs = core?.settings.captureArgs ?? false;
    this.captureResult = core?.settings.captureResult ?? false;
    this.registry = new FinalizationRegistry((record) => this.abandon(record, 'collected'));
    this.recording = core !== undefined;
    if (core === undefined) return;
    this.events = new CallEvents(core.recorder, core.ids);
    this.fastArgs = new FastArgs(core.settings.maxStringLength, core.settings.maxDataBytes);
    this.data = core.data;
    this.sampler = core.sampler;
    this.sender = core.sender;
    // Callbacks (timers, promise reactions, I/O) get as parent the call that scheduled them.
    this.context.stampAsyncResources();
    this.tick();
    const tick = setInterval(() => this.tick(), TICK_MS);
    tick.unref();
    this.timers.push(tick);
    const every = options.reportIntervalMs ?? DEFAULT_REPORT_MS;
    if (every > 0) {
      const report = setInterval(() => this.reportUnrecorded(), every);
      report.unref();
      this.timers.push(report);
    }
  }

  /** Makes this the host instrumented code finds (`globalThis[Symbol.for('temporal-bridge.probes')]`). */
  install(): this {
    (globalThis as Record<symbol, unknown>)[PROBES_KEY] = this;
    return this;
  }

  /** The probes of one module; no-op probes (and a warning) when the descriptor is unusable. */
  module(descriptor: unknown): ModuleProbes | typeof NOOP_PROBES {
    const checked = checkDescriptor(descriptor);
    if (typeof checked === 'string') {
      this.options.warn?.(`temporal-bridge: module not instrumented: ${checked}`);
      return NOOP_PROBES;
    }
    const probes = this.core === undefined ? new SilentProbes(this, checked) : new ModuleProbes(this, checked);
    this.modules.push(probes);
    try {
      this.options.onModule?.(checked);
    } catch {
      // Publishing the manifest must never stop the module from loading.
    }
    return probes;
  }

  /** Hit and unrecorded counts of every node of every loaded module. */
  nodeCounts(): NodeCount[] {
    const out: NodeCount[] = [];
    for (const probes of this.modules) {
      probes.nodes.forEach((node, i) =>
        out.push({ ast_node_id: node.astNodeId, hits: probes.hits[i]!, unrecorded: probes.skipped[i]! }),
      );
    }
    return out;
  }

  /**
   * Totals: modules and nodes loaded, calls, calls over budget, generator
   * calls still open.
   *
   * @example
   * const { hits, unrecorded } = host.stats();
   */
  stats(): { modules: number; nodes: number; hits: number; unrecorded: number; open_generators: number } {
    let nodes = 0;
    let hits = 0;
    let unrecorded = 0;
    for (const probes of this.modules) {
      nodes += probes.nodes.length;
      for (let i = 0; i < probes.nodes.length; i += 1) {
        hits += probes.hits[i]!;
        unrecorded += probes.skipped[i]!;
      }
    }
    return { modules: this.modules.length, nodes, hits, unrecorded, open_generators: this.openGenerators.size };
  }

  /**
   * Emits the per-node counts of calls not recorded (over budget) since the
   * last report, as `log` events (info, at most 100 nodes each). Runs on a
   * timer and at shutdown.
   */
  reportUnrecorded(): void {
    const core = this.core;
    if (core === undefined) return;
    let chunk: Record<string, number> = {};
    let size = 0;
    let total = 0;
    const flush = (): void => {
      if (size === 0) return;
      // Recorded as built, not through the capture rules: those redact by key, and ids are keys
      // here (`...:Lexer.nextToken:method` came out as "[REDACTED]" instead of its count).
      core.recorder.record('log', undefined, undefined, {
        level: 'info',
        message:
          'temporal-bridge: calls over the per-node budget (or while the queue was full), counted but not recorded',
        unrecorded: chunk,
        budget_per_second: this.unlimited ? 'unlimited' : this.budget,
      });
      chunk = {};
      size = 0;
    };
    for (const probes of this.modules) {
      for (let i = 0; i < probes.nodes.length; i += 1) {
        const delta = probes.skipped[i]! - probes.reported[i]!;
        if (delta === 0) continue;
        probes.reported[i] = probes.skipped[i]!;
        chunk[probes.nodes[i]!.astNodeId] = delta;
        total += delta;
        if (++size === REPORT_CHUNK) flush();
      }
    }
    if (total > 0) flush();
  }

  /**
   * Closes what is still open (generator calls, as abandoned), reports the
   * unrecorded counts and stops emitting. The runtime itself is shut down by
   * its owner afterwards.
   */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.settle();
    for (const timer of this.timers) clearInterval(timer);
    this.recording = false;
    // Every call now takes the out-of-line path, which sees recording off: none is counted as over budget.
    for (const probes of this.modules) probes.left.fill(UNLIMITED_TOKENS);
  }

  /**
   * Closes the generator calls still open (as abandoned: `shutdown`) and
   * reports the unrecorded counts; recording goes on. For the end of the
   * process (`beforeExit`, a signal).
   */
  settle(): void {
    for (const record of [...this.openGenerators]) this.abandon(record, 'shutdown');
    this.reportUnrecorded();
  }

  /** Runs a capture of application values with recording off: getters and toJSON it calls are not calls of the app. */
  capture(
    fn: (host: ProbeHost, node: NodeInfo, value: unknown) => JsonObject,
    node: NodeInfo,
    value: unknown,
  ): JsonObject {
    const before = this.recording;
    this.recording = false;
    try {
      return fn(this, node, value);
    } finally {
      this.recording = before;
    }
  }

  /** True the first time an error passes through a probe (it was thrown there). */
  firstSight(error: unknown): boolean {
    if ((typeof error === 'object' && error !== null) || typeof error === 'function') {
      if (this.seenErrors.has(error)) return false;
      this.seenErrors.add(error);
      return true;
    }
    if (this.lastPrimitiveError === error) return false;
    this.lastPrimitiveError = error;
    return true;
  }

  /** Reads the clock; a new second starts a new budget window. */
  tick(): void {
    const epoch = Math.floor(performance.now() / 1000);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.nextWindow();
    }
  }

  /** Every node gets its whole budget again (the timer does this each second). */
  nextWindow(): void {
    if (this.unlimited) return;
    for (const probes of this.modules) probes.left.fill(this.tokens);
  }

  trackGenerator(call: AutoCall): void {
    const record = new GeneratorRecord(call.correlationId, call.traceId, call.parentId, call.node);
    call.generator = record;
    this.openGenerators.add(record);
    this.registry.register(call, record, record);
  }

  generatorClosed(record: GeneratorRecord): void {
    record.open = false;
    this.openGenerators.delete(record);
    this.registry.unregister(record);
  }

  /** The exit of a generator call that will never complete: collected unfinished, or still open at shutdown. */
  private abandon(record: GeneratorRecord, why: 'collected' | 'shutdown'): void {
    if (!record.open || this.core === undefined) return;
    this.generatorClosed(record);
    this.open -= 1;
    try {
      this.events.exit(record, record.node, { abandoned: why });
    } catch {
      this.counters.dropped.invalid += 1;
    }
  }
}
