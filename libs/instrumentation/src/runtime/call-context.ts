/**
 * The call an event belongs to. Propagated through async code by the
 * runtime's AsyncLocalStorage; immutable, so a context captured by a timer or
 * a promise callback can never change under it.
 *
 * @example
 * runtime.traced('checkout', () => {
 *   const call = runtime.currentCall(); // { correlationId, traceId, parentId: undefined, sampled: true }
 * });
 */
export class CallContext {
  constructor(
    /** This call's id: its entry, exit and every event inside carry it. */
    readonly correlationId: string,
    /** The root call's correlation id. */
    readonly traceId: string,
    /** The enclosing call's correlation id; undefined at the root. */
    readonly parentId: string | undefined,
    /** False inside a trace that sampling left out: nothing in it is emitted. */
    readonly sampled: boolean,
  ) {}
}

/** The one context of every unsampled trace: nested calls see it and stay silent without allocating. */
export const UNSAMPLED = new CallContext('unsampled', 'unsampled', undefined, false);

/**
 * A call opened by `functionEntry`, closed by `functionExit`.
 *
 * @example
 * const call = runtime.functionEntry('billing', 'charge', [order.id], 'billing.ts:42');
 * try { charge(order); runtime.functionExit(call); } catch (error) { runtime.functionExit(call, { error }); throw error; }
 */
export class CallHandle {
  constructor(
    /** Undefined when nothing was recorded (disabled, unsampled, invalid id). */
    readonly context: CallContext | undefined,
    readonly astNodeId: string | undefined,
  ) {}

  get correlationId(): string | undefined {
    return this.context?.correlationId;
  }
}

/** Returned by `functionEntry` when nothing is recorded. */
export const NOT_RECORDED = new CallHandle(undefined, undefined);
