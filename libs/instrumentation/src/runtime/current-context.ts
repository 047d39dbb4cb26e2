import { type AsyncLocalStorage, createHook, executionAsyncResource, type AsyncHook } from 'node:async_hooks';

import { type CallContext } from './call-context';

/** Where the context is stamped on async resources (promises, timers, I/O requests). */
const STAMP = Symbol('temporal-bridge.context');

type Stamped = { [STAMP]?: CallContext | null };

/**
 * Which call the running code belongs to, in two layers:
 *
 * - `current`: a plain field set synchronously by whoever opens a call
 *   (automatic probes, `traced()`) and restored when it exits or suspends.
 *   Synchronous code pays one field write per call for its context, never
 *   AsyncLocalStorage.
 * - the causal context, for code at the top of a stack (a timer, a promise
 *   callback, an I/O callback, an await continuation of uninstrumented code):
 *   once `stampAsyncResources()` ran, an async_hooks `init` hook stamps
 *   `current` (or, when nothing is current, the stamp of the resource that is
 *   running, so chains of callbacks keep it) on every new async resource, and
 *   `executionAsyncResource()` reads it back when its callback runs. Before
 *   that, or when nothing was stamped, the runtime's AsyncLocalStorage store
 *   (opened by `traced()`) answers.
 *
 * @example
 * const context = new CurrentContext(store);
 * context.current = call; // synchronous part of a call
 * context.get(); // call
 */
export class CurrentContext {
  /** The innermost call of the running synchronous stack; null at the top of a stack. */
  current: CallContext | null = null;
  private hook: AsyncHook | undefined;

  constructor(private readonly store: AsyncLocalStorage<CallContext>) {}

  /** The call the running code belongs to, or undefined outside any call. */
  get(): CallContext | undefined {
    return this.current ?? this.causal();
  }

  /** The context of the code that scheduled what is running now (see the class comment). */
  causal(): CallContext | undefined {
    if (this.hook !== undefined) {
      const stamped = (executionAsyncResource() as Stamped)[STAMP];
      if (stamped !== undefined && stamped !== null) return stamped;
    }
    return this.store.getStore();
  }

  /**
   * Starts stamping new async resources (idempotent). It costs every promise
   * of the process a hook call, like AsyncLocalStorage does, so only an
   * enabled automatic instrumentation turns it on; `stop()` releases it.
   */
  stampAsyncResources(): void {
    if (this.hook !== undefined) return;
    this.hook = createHook({
      init: (_id, _type, _trigger, resource: Stamped) => {
        const context = this.current ?? (executionAsyncResource() as Stamped)[STAMP];
        if (context !== undefined) resource[STAMP] = context;
      },
    });
    this.hook.enable();
  }

  stop(): void {
    this.hook?.disable();
    this.hook = undefined;
    this.current = null;
  }
}
