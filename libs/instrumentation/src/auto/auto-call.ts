import type { JsonObject } from '@temporal-bridge/event-schema';

import { CallContext } from '../runtime/call-context';

/** What the probes precompute per AST node, once, when its module loads. */
export interface NodeInfo {
  readonly astNodeId: string;
  /** `data.module` of the entry: the project-relative file. */
  readonly module: string;
  /** `data.function` of the entry: the qualified name. */
  readonly fn: string;
  /** The entry's `data` when there are no arguments to capture: shared, never mutated. */
  readonly entryData: JsonObject;
  readonly generator: boolean;
}

/** The ids an exit needs; what an abandoned generator's call leaves behind for its exit. */
export interface CallIds {
  readonly correlationId: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
}

/**
 * Held by the FinalizationRegistry for a generator's call: no reference to
 * the call itself (or the generator would never be collected).
 */
export class GeneratorRecord implements CallIds {
  open = true;

  constructor(
    readonly correlationId: string,
    readonly traceId: string,
    readonly parentId: string | undefined,
    readonly node: NodeInfo,
  ) {}
}

/**
 * One call opened by a probe. It is a CallContext, so manual SDK events
 * inside (stateChange, traced()) carry its ids; the mutable fields are the
 * probe's bookkeeping.
 */
export class AutoCall extends CallContext {
  /** Whose call to restore as current when this one suspends or exits; null once it did. */
  prev: CallContext | null;
  closed = false;
  threw = false;
  errors = 0;
  /** `{result}` (result capture on) or `{error}` (it threw): the exit's data. */
  exitData: JsonObject | undefined = undefined;
  generator: GeneratorRecord | undefined = undefined;

  constructor(
    correlationId: string,
    traceId: string,
    parentId: string | undefined,
    sampled: boolean,
    readonly node: NodeInfo,
    prev: CallContext | null,
  ) {
    super(correlationId, traceId, parentId, sampled);
    this.prev = prev;
  }
}
