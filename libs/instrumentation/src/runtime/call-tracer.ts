import type { AsyncLocalStorage } from 'node:async_hooks';

import type { JsonObject } from '@temporal-bridge/event-schema';

import { type EventDataBuilder } from '../capture/event-data.builder';
import { type StatsCounters } from '../pipeline/runtime-stats';
import { type IdCheck, type IdGenerator } from '../support/ids';
import { CallContext, UNSAMPLED } from './call-context';
import { type CurrentContext } from './current-context';
import { type EventRecorder } from './event-recorder';
import { type Sampler } from './sampler';

/**
 * Per-call settings of `traced()`, `wrap()` and `@Traced`.
 *
 * @example
 * runtime.traced('cart.ts:12', () => add(item), { module: 'cart', function: 'add', args: [item], captureResult: true });
 */
export interface TracedOptions {
  /** `data.module` of the entry (default: the runtime's `module`, or the class for `@Traced`). */
  module?: string;
  /** `data.function` of the entry (default: the function's name, else the AST node id). */
  function?: string;
  /** Arguments to record in the entry (`traced()` cannot see them; `wrap()` and `@Traced` pass them). */
  args?: readonly unknown[];
  /** Record the return value in the exit (default: the runtime's `capture.captureResult`). */
  captureResult?: boolean;
}

interface CachedEntry {
  module: string;
  fn: string;
  data: JsonObject;
}

// Entries without arguments repeat the same {module, function} per AST node:
// share one (never mutated) data object. Bounded like the other memos.
const ENTRY_CACHE_LIMIT = 4096;

interface TracerSettings {
  module: string;
  captureArgs: boolean;
  captureResult: boolean;
}

/**
 * Runs a function as a recorded call: function_entry, the function inside a
 * new CallContext (so everything it does, synchronously or after any await,
 * carries the call's ids), then function_exit when it returns, throws,
 * resolves or rejects. Never changes what the function returns or throws.
 */
export class CallTracer {
  private readonly entries = new Map<string, CachedEntry>();

  constructor(
    private readonly store: AsyncLocalStorage<CallContext>,
    private readonly context: CurrentContext,
    private readonly recorder: EventRecorder,
    private readonly data: EventDataBuilder,
    private readonly sampler: Sampler,
    private readonly ids: IdGenerator,
    private readonly idCheck: IdCheck,
    private readonly stats: StatsCounters,
    private readonly settings: TracerSettings,
  ) {}

  /** The context a new call gets, UNSAMPLED for a dropped trace, or undefined to run the function untraced. */
  open(astNodeId: string | undefined): CallContext | undefined {
    const parent = this.context.get();
    if (parent !== undefined && !parent.sampled) return undefined;
    if (astNodeId !== undefined && !this.idCheck.valid(astNodeId)) {
      this.stats.dropped.invalid += 1;
      return undefined;
    }
    if (parent === undefined && !this.sampler.root(astNodeId)) {
      this.stats.sampledOut += 1;
      return UNSAMPLED;
    }
    const id = this.ids.next();
    return parent === undefined
      ? new CallContext(id, id, undefined, true)
      : new CallContext(id, parent.traceId, parent.correlationId, true);
  }

  run<T>(
    astNodeId: string,
    fn: (...args: never[]) => T,
    thisArg: unknown,
    args: readonly unknown[] | undefined,
    options: TracedOptions | undefined,
    defaultModule?: string,
  ): T {
    const ctx = this.open(astNodeId);
    if (ctx === undefined) return args === undefined ? fn() : (Reflect.apply(fn, thisArg, args) as T);
    if (ctx === UNSAMPLED) return this.inside(ctx, fn, thisArg, args);
    const recordArgs = options?.args ?? (this.settings.captureArgs ? args : undefined);
    this.entry(
      ctx,
      astNodeId,
      options?.module ?? defaultModule ?? this.settings.module,
      options?.function ?? (fn.name || astNodeId),
      recordArgs,
    );
    const captureResult = options?.captureResult ?? this.settings.captureResult;
    let result: T;
    try {
      result = this.inside(ctx, fn, thisArg, args);
    } catch (error) {
      this.exit(ctx, astNodeId, captureResult, undefined, true, error);
      throw error;
    }
    // Only native promises: calling `then` on other thenables can start work (lazy query builders).
    // The caller gets the derived promise, which settles like the original: a rejection nobody
    // handles still reaches 'unhandledRejection' (handling the original ourselves would hide it).
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          this.exit(ctx, astNodeId, captureResult, value, false, undefined);
          return value;
        },
        (error: unknown) => {
          this.exit(ctx, astNodeId, captureResult, undefined, true, error);
          throw error;
        },
      ) as T;
    }
    this.exit(ctx, astNodeId, captureResult, result, false, undefined);
    return result;
  }

  /**
   * Runs fn as the current call: synchronously through the shared `current`
   * pointer (automatic probes inside see it without AsyncLocalStorage), and
   * across awaits and callbacks through the store.
   */
  inside<T>(ctx: CallContext, fn: (...args: never[]) => T, thisArg: unknown, args: readonly unknown[] | undefined): T {
    const context = this.context;
    const previous = context.current;
    context.current = ctx;
    try {
      return this.store.run(ctx, invoke, fn, thisArg, args);
    } finally {
      context.current = previous;
    }
  }

  entry(
    ctx: CallContext,
    astNodeId: string | undefined,
    module: string,
    fn: string,
    args: readonly unknown[] | undefined,
  ): void {
    try {
      this.recorder.record('function_entry', ctx, astNodeId, this.data.entry(module, fn, args));
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  exit(
    ctx: CallContext,
    astNodeId: string | undefined,
    captureResult: boolean,
    result: unknown,
    threw: boolean,
    error: unknown,
  ): void {
    try {
      this.recorder.record('function_exit', ctx, astNodeId, this.data.exit(captureResult, result, threw, error));
    } catch {
      // Capturing a hostile value failed: never into the application, always counted.
      this.stats.dropped.invalid += 1;
    }
  }

  private entryData(
    astNodeId: string | undefined,
    module: string,
    fn: string,
    args: readonly unknown[] | undefined,
  ): JsonObject {
    if (args !== undefined || astNodeId === undefined) return this.data.entry(module, fn, args);
    const cached = this.entries.get(astNodeId);
    if (cached !== undefined && cached.module === module && cached.fn === fn) return cached.data;
    const data = this.data.entry(module, fn, undefined);
    if (this.entries.size >= ENTRY_CACHE_LIMIT) this.entries.clear();
    this.entries.set(astNodeId, { module, fn, data });
    return data;
  }
}

function invoke<T>(fn: (...args: never[]) => T, thisArg: unknown, args: readonly unknown[] | undefined): T {
  return args === undefined ? fn() : (Reflect.apply(fn, thisArg, args) as T);
}
