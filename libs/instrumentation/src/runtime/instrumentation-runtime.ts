import { parseEvent, type SerializedEvent } from '@temporal-bridge/event-schema';

import { type FlushResult } from '../pipeline/event-sender';
import { type RuntimeStats, StatsCounters } from '../pipeline/runtime-stats';
import { isValidId } from '../support/ids';
import { CallHandle, NOT_RECORDED, UNSAMPLED, type CallContext } from './call-context';
import { type TracedOptions } from './call-tracer';
import { type LogLevel, RuntimeCore } from './runtime-core';
import { DropReporter } from './drop-reporter';
import { resolveOptions, type InstrumentationOptions } from './runtime-options';

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * The SDK applications install to emit runtime events (the TypeScript
 * counterpart of ElixirScope's InstrumentationRuntime). Every method returns
 * at once and never throws into the application: events go to a bounded
 * queue and leave in batches through the configured transport.
 *
 * @example
 * const runtime = new InstrumentationRuntime({
 *   service: 'checkout',
 *   transport: { kind: 'kafka', brokers: ['kafka:9092'] },
 * });
 * await runtime.traced('cart.ts:12:checkout', async () => {
 *   runtime.stateChange({ step: 'paying' });
 *   await pay();
 * });
 * await runtime.shutdown(5_000);
 */
export class InstrumentationRuntime {
  private core: RuntimeCore | undefined;
  private readonly counters = new StatsCounters();
  private readonly transportName: string;
  private readonly drops: DropReporter | undefined;

  constructor(options: InstrumentationOptions) {
    const resolved = resolveOptions(options);
    const core = resolved.enabled ? new RuntimeCore(resolved, options.transport!, this.counters) : undefined;
    this.core = core;
    this.transportName = core?.transportName ?? 'none';
    if (core !== undefined) {
      const emit = (message: string, fields: Record<string, unknown>): void =>
        this.core?.logEvent('warn', message, fields, undefined, true);
      this.drops = new DropReporter(this.counters, emit, resolved.onDrops, resolved.dropReportIntervalMs);
    }
  }

  /** False when disabled, without a transport, or shut down. */
  get enabled(): boolean {
    return this.core !== undefined;
  }

  /**
   * Runs `fn` now as a recorded call and returns what it returns (a promise
   * for an async function: the exit is recorded when it settles).
   *
   * @example
   * const total = runtime.traced('cart.ts:30:sum', () => items.reduce((s, i) => s + i.price, 0));
   */
  traced<T>(astNodeId: string, fn: () => T, options?: TracedOptions): T {
    const core = this.core;
    if (core === undefined) return fn();
    return core.tracer.run(astNodeId, fn, undefined, undefined, options);
  }

  /**
   * A function that records every call of `fn` (with its arguments when
   * `capture.captureArgs` is on).
   *
   * @example
   * const charge = runtime.wrap('billing.ts:8:charge', (order: Order) => gateway.charge(order));
   */
  wrap<A extends unknown[], R>(astNodeId: string, fn: (...args: A) => R, options?: TracedOptions): (...args: A) => R {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const runtime = this;
    return function traced(this: unknown, ...args: A): R {
      return runtime.traceCall(astNodeId, fn, this, args, options);
    };
  }

  /**
   * `fn.apply(thisArg, args)` as a recorded call; what `wrap` and `@Traced` use.
   *
   * @example
   * runtime.traceCall('orders.ts:5:save', repo.save, repo, [order], { module: 'OrderRepository' });
   */
  traceCall<A extends unknown[], R>(
    astNodeId: string,
    fn: (...args: A) => R,
    thisArg: unknown,
    args: A,
    options?: TracedOptions,
  ): R {
    const core = this.core;
    if (core === undefined) return Reflect.apply(fn, thisArg, args);
    return core.tracer.run(astNodeId, fn as unknown as (...args: never[]) => R, thisArg, args, options);
  }

  /**
   * Records a function_entry by hand; pair it with `functionExit`. Code run
   * through `runInCall(handle, fn)` belongs to this call.
   *
   * @example
   * const call = runtime.functionEntry('billing', 'charge', [orderId], 'billing.ts:42');
   * runtime.functionExit(call, { result: receipt });
   */
  functionEntry(module: string, fn: string, args?: readonly unknown[], astNodeId?: string): CallHandle {
    const core = this.core;
    if (core === undefined) return NOT_RECORDED;
    const ctx = core.tracer.open(astNodeId);
    if (ctx === undefined) return NOT_RECORDED;
    if (ctx !== UNSAMPLED) core.tracer.entry(ctx, astNodeId, module, fn, args);
    return new CallHandle(ctx, astNodeId);
  }

  /**
   * Records the function_exit of a call opened by `functionEntry`: with
   * `{ result }` it records the result, with `{ error }` the error.
   *
   * @example
   * runtime.functionExit(call, { error });
   */
  functionExit(call: CallHandle, outcome?: { result?: unknown; error?: unknown }): void {
    const core = this.core;
    const ctx = call.context;
    if (core === undefined || ctx === undefined || !ctx.sampled) return;
    const threw = outcome !== undefined && 'error' in outcome;
    const withResult = outcome !== undefined && 'result' in outcome;
    core.tracer.exit(ctx, call.astNodeId, withResult, outcome?.result, threw, outcome?.error);
  }

  /**
   * Runs `fn` inside a call opened by `functionEntry`, so its events and
   * nested calls belong to it.
   *
   * @example
   * runtime.runInCall(call, () => runtime.stateChange({ charged: true }));
   */
  runInCall<T>(call: CallHandle, fn: () => T): T {
    const core = this.core;
    return core === undefined || call.context === undefined
      ? fn()
      : core.tracer.inside(call.context, fn, undefined, undefined);
  }

  /**
   * The call the code is running in (undefined outside any traced call).
   *
   * @example
   * headers['x-trace-id'] = runtime.currentCall()?.traceId ?? '';
   */
  currentCall(): CallContext | undefined {
    return this.core?.context.get();
  }

  /**
   * Removes and returns every unsent event: the last resort
   * at process exit (see the automatic instrumentation's exit handling).
   *
   * @internal
   */
  takeUnsent(): SerializedEvent[] {
    return this.core?.sender.takeAll() ?? [];
  }

  /**
   * The enabled runtime's internals, for the automatic probes of this
   * package (src/auto); not part of the public API.
   *
   * @internal
   */
  coreForProbes(): RuntimeCore | undefined {
    return this.core;
  }

  /** @example runtime.stateChange({ cart_items: 3, status: 'paying' }, 'cart.ts:40'); */
  stateChange(state: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.snapshot('state_change', 'state', state, astNodeId);
  }

  /** @example runtime.variableSnapshot({ i, total }, 'loop.ts:7'); */
  variableSnapshot(variables: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.snapshot('variable_snapshot', 'variables', variables, astNodeId);
  }

  /** @example runtime.messageSend(msg.id, { to: 'payments', kind: 'charge' }); */
  messageSend(messageId: string, data?: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.message('message_send', messageId, data, astNodeId);
  }

  /** @example runtime.messageReceive(msg.id, { from: 'orders' }); */
  messageReceive(messageId: string, data?: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.message('message_receive', messageId, data, astNodeId);
  }

  /** @example runtime.error(err, { order_id: order.id }, 'billing.ts:51'); */
  error(error: unknown, data?: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.errorEvent(error, data, astNodeId);
  }

  /** @example runtime.log('warn', 'retrying payment', { attempt: 2 }); */
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.logEvent(level, message, fields, astNodeId, false);
  }

  /**
   * An event of any type (`[a-z][a-z0-9_.:-]{0,63}`); one that would not pass
   * event-schema's parseEvent is counted as invalid instead.
   *
   * @example
   * runtime.emit('cache.miss', { key: 'user:42' }, 'cache.ts:10');
   */
  emit(eventType: string, data?: Readonly<Record<string, unknown>>, astNodeId?: string): void {
    this.core?.custom(eventType, data, astNodeId);
  }

  /**
   * Queues a complete wire event as given (no sampling, no context); false
   * when it is not valid, the runtime is disabled, or the queue refused it.
   *
   * @example
   * runtime.publish(serializeEvent(event));
   */
  publish(event: SerializedEvent): boolean {
    const core = this.core;
    if (core === undefined) return false;
    if (!parseEvent(event).ok || !isValidId(event.event_id)) {
      this.counters.dropped.invalid += 1;
      return false;
    }
    return core.sender.enqueue(event);
  }

  /**
   * Counters: emitted, sent, dropped by reason, send failures, queue depth.
   *
   * @example
   * const { dropped, queue_depth } = runtime.stats();
   */
  stats(): RuntimeStats {
    const c = this.counters;
    const stats: RuntimeStats = {
      enabled: this.enabled,
      transport: this.transportName,
      emitted: c.emitted,
      sent: c.sent,
      sampled_out: c.sampledOut,
      dropped: { ...c.dropped, total: c.totalDropped() },
      send_failures: c.sendFailures,
      queue_depth: this.core?.sender.queueDepth ?? 0,
      in_flight: this.core?.sender.inFlightCount ?? 0,
    };
    if (c.lastError !== undefined) stats.last_error = c.lastError;
    return stats;
  }

  /**
   * Emits a `log` event (and calls `onDrops`) when anything was dropped since
   * the last report; runs on a timer, callable any time.
   *
   * @example
   * runtime.reportDrops();
   */
  reportDrops(): void {
    this.drops?.report();
  }

  /**
   * Sends what is queued now and waits for it, at most `timeoutMs`.
   *
   * @example
   * const { ok, unsent } = await runtime.flush(2_000);
   */
  async flush(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<FlushResult> {
    return (await this.core?.sender.flush(timeoutMs)) ?? { ok: true, unsent: 0 };
  }

  /**
   * Stops accepting events, drains the queue within `timeoutMs`, counts what
   * is left as dropped (`shutdown`) and closes the transport.
   *
   * @example
   * process.on('SIGTERM', () => void runtime.shutdown(5_000).then(() => process.exit(0)));
   */
  async shutdown(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<FlushResult> {
    const core = this.core;
    if (core === undefined) return { ok: true, unsent: 0 };
    this.drops?.report();
    this.drops?.stop();
    this.core = undefined;
    // Releases the async hook AsyncLocalStorage installed (it costs every promise in the process).
    core.store.disable();
    core.context.stop();
    return core.sender.shutdown(timeoutMs);
  }
}
