import { type JsonObject } from '@temporal-bridge/event-schema';

import { AutoCall, type NodeInfo } from './auto-call';
import { type ModuleDescriptor } from './descriptor';
import { type ProbeHost } from './probe-host';

/**
 * The probes of one instrumented module (`__tb` in its code): the hot path.
 * Every method is called by application code, so none throws, and the
 * not-recorded paths (emission off, over budget, unsampled trace) touch
 * counters only: no allocation, no clock.
 *
 * Counters are typed arrays indexed by node: `hits` counts every call
 * (exact), `left` is what remains of the node's budget in the current
 * one-second window (the host refills it; huge when there is no budget to
 * keep), `skipped` counts calls over the budget. The test `e()` inlines into
 * every instrumented function is therefore one typed-array read: a node over
 * its budget pays two increments and a compare, and everything else (emission
 * off for a moment, sampling, spending a token) is decided out of line.
 */
export class ModuleProbes {
  readonly hits: Float64Array;
  readonly skipped: Float64Array;
  /** `skipped` at the last periodic report. */
  readonly reported: Float64Array;
  /** Calls node i may still record in this window (see ProbeHost.nextWindow). */
  readonly left: Int32Array;
  readonly nodes: NodeInfo[];

  constructor(
    private readonly host: ProbeHost,
    readonly descriptor: ModuleDescriptor,
  ) {
    const n = descriptor.nodes.length;
    this.hits = new Float64Array(n);
    this.skipped = new Float64Array(n);
    this.reported = new Float64Array(n);
    this.left = new Int32Array(n).fill(host.tokens);
    this.nodes = descriptor.nodes.map((node) => ({
      astNodeId: node.ast_node_id,
      module: descriptor.file,
      fn: node.name,
      entryData: { module: descriptor.file, function: node.name },
      generator: node.generator === true,
    }));
  }

  /** The contract's `module()` on a module object: instrumented code may call it on what it got. */
  module(): this {
    return this;
  }

  /** Counts a call of node i; true when this call is to be recorded. */
  e(i: number): boolean {
    this.hits[i]! += 1;
    if (this.left[i]! > 0) return this.admit(i);
    // Over budget. A long synchronous stretch never lets the budget timer run: look at the clock now and then.
    if ((++this.skipped[i]! & 1023) === 0) this.host.tick();
    return false;
  }

  /**
   * A call of node i with budget left: recorded unless emission is off, its
   * trace is sampled out, or the queue is full. A full queue means a burst
   * the sender cannot keep up with (a long synchronous stretch): recording
   * the call would only displace an older event (after capturing its
   * arguments for nothing: most of the cost of a CPU-bound burst), so it is
   * counted as unrecorded instead. Room is kept for the exits of the calls
   * still open, so every recorded call keeps both its entry and its exit.
   */
  private admit(i: number): boolean {
    const host = this.host;
    if (!host.recording) return false;
    const current = host.context.current;
    if (current !== null && !current.sampled) return false;
    if (host.sender.room < host.open + 2) {
      this.skipped[i]! += 1;
      return false;
    }
    if (!host.unlimited) this.left[i]! -= 1;
    return true;
  }

  /** Opens a recorded call of node i: function_entry, and it becomes the current call. */
  c(i: number, args?: unknown[]): AutoCall | null {
    const host = this.host;
    const context = host.context;
    const prev = context.current;
    try {
      const node = this.nodes[i]!;
      const parent = prev ?? context.causal();
      let call: AutoCall;
      if (parent === undefined ? !host.sampler.root(node.astNodeId) : !parent.sampled) {
        host.counters.sampledOut += 1;
        // A silent call: what runs inside sees an unsampled current call and records nothing.
        call = new AutoCall('unsampled', 'unsampled', undefined, false, node, prev);
      } else {
        const data =
          args === undefined || !host.captureArgs
            ? node.entryData
            : (host.fastArgs.entry(node, args) ?? host.capture(entryOf, node, args));
        const traceId = parent?.traceId;
        const parentId = parent?.correlationId;
        const id = host.events.entry(node, traceId, parentId, data);
        call = new AutoCall(id, traceId ?? id, parentId, true, node, prev);
        host.open += 1;
        if (node.generator) host.trackGenerator(call);
      }
      context.current = call;
      return call;
    } catch {
      host.counters.dropped.invalid += 1;
      return null;
    }
  }

  /** The function returns v. */
  r<T>(call: AutoCall | null, v: T): T {
    if (call !== null && call.sampled && this.host.captureResult) {
      try {
        call.exitData = this.host.capture(resultOf, call.node, v);
      } catch {
        this.host.counters.dropped.invalid += 1;
      }
    }
    return v;
  }

  /** The function throws err: an `error` event where it was thrown, and the exit will carry it. */
  t(call: AutoCall | null, err: unknown): void {
    if (call === null || !call.sampled || call.closed) return;
    const host = this.host;
    try {
      const data = host.capture(errorOf, call.node, err);
      call.exitData = data;
      // The same error passing through the enclosing calls: they only carry it in their exits.
      if (host.firstSight(err)) host.events.error(call, call.node, data, (call.errors += 1));
    } catch {
      host.counters.dropped.invalid += 1;
    }
  }

  /** Exit (from `finally`): function_exit, and the caller's call is current again. Idempotent. */
  x(call: AutoCall | null): void {
    if (call === null || call.closed) return;
    call.closed = true;
    const context = this.host.context;
    if (context.current === call) context.current = call.prev;
    call.prev = null;
    if (!call.sampled) return;
    this.host.open -= 1;
    try {
      if (call.generator !== undefined) this.host.generatorClosed(call.generator);
      this.host.events.exit(call, call.node, call.exitData);
    } catch {
      this.host.counters.dropped.invalid += 1;
    }
  }

  /** About to suspend (await, yield): whoever resumed it is current again. */
  s<T>(call: AutoCall | null, v: T): T {
    if (call !== null) {
      const context = this.host.context;
      // Only when this call is current: a missed suspension elsewhere can never corrupt the pointer.
      if (context.current === call) context.current = call.prev;
      call.prev = null;
    }
    return v;
  }

  /**
   * The iterable of a `for await (... of X)` or `yield* X` in a recorded
   * call: returned as a wrapper whose iterator runs `next`/`return`/`throw`
   * with the call current, so that an instrumented generator driven by the
   * loop or the delegation gets this call as parent (the loop calls `next`
   * after the call gave the pointer back). Same protocol as X: only the
   * iterator kinds and methods X has, results passed through untouched.
   */
  i<T>(call: AutoCall | null, iterable: T): T {
    if (call === null || !call.sampled || typeof iterable !== 'object' || iterable === null) return iterable;
    try {
      return wrapIterable(this.host, call, iterable) as T;
    } catch {
      return iterable;
    }
  }

  /** Resumed: this call is current again, until it suspends or exits. */
  u<T>(call: AutoCall | null, v?: T): T {
    if (call !== null && !call.closed) {
      const context = this.host.context;
      if (context.current !== call) {
        call.prev = context.current;
        context.current = call;
      }
    }
    return v as T;
  }
}

/**
 * The probes of a module under a host that never records (no runtime, or a
 * disabled one): hits are counted, nothing else happens.
 */
export class SilentProbes extends ModuleProbes {
  override e(i: number): boolean {
    this.hits[i]! += 1;
    return false;
  }
}

function entryOf(host: ProbeHost, node: NodeInfo, args: unknown): JsonObject {
  return host.data.entry(node.module, node.fn, args as unknown[]);
}

function resultOf(host: ProbeHost, _node: NodeInfo, value: unknown): JsonObject {
  return host.data.exit(true, value, false, undefined)!;
}

function errorOf(host: ProbeHost, _node: NodeInfo, error: unknown): JsonObject {
  return host.data.exit(false, undefined, true, error)!;
}

type Iterables = Partial<Record<typeof Symbol.iterator | typeof Symbol.asyncIterator, () => IteratorLike>>;
type IteratorLike = Record<'next' | 'return' | 'throw', ((...args: unknown[]) => unknown) | undefined>;

function wrapIterable(host: ProbeHost, call: AutoCall, iterable: Iterables): object {
  const out: Iterables = {};
  const sync = iterable[Symbol.iterator];
  const async = iterable[Symbol.asyncIterator];
  if (typeof async === 'function') out[Symbol.asyncIterator] = () => wrapIterator(host, call, async.call(iterable));
  if (typeof sync === 'function') out[Symbol.iterator] = () => wrapIterator(host, call, sync.call(iterable));
  return out;
}

function wrapIterator(host: ProbeHost, call: AutoCall, iterator: IteratorLike): IteratorLike {
  const step =
    (name: 'next' | 'return' | 'throw') =>
    (...args: unknown[]): unknown => {
      const context = host.context;
      const prev = context.current;
      context.current = call;
      try {
        return Reflect.apply(iterator[name]!, iterator, args);
      } finally {
        if (context.current === call) context.current = prev;
      }
    };
  // The methods yield* and for-await look for: present exactly when the iterator has them.
  return {
    next: step('next'),
    return: typeof iterator.return === 'function' ? step('return') : undefined,
    throw: typeof iterator.throw === 'function' ? step('throw') : undefined,
  };
}
