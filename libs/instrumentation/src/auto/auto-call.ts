import type { JsonObject } from '@temporal-bridge/event-schema';

import { type CallContext } from '../runtime/call-context';

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
 * One call opened by a probe. It is a CallContext (the same fields, so
 * manual SDK events inside, stateChange or traced(), carry its ids); the
 * mutable fields are the probe's bookkeeping. Not a subclass: one flat
 * constructor with every field assigned in it is what V8 allocates fastest,
 * and this runs once per recorded call.
 */
export class AutoCall implements CallContext {
  /** Whose call to restore as current when this one suspends or exits; null once it did. */
  prev: CallContext | null;
  closed: boolean;
  threw: boolean;
  errors: number;
  /** `{result}` (result capture on) or `{error}` (it threw): the exit's data. */
  exitData: JsonObject | undefined;
  generator: GeneratorRecord | undefined;

  constructor(
    readonly correlationId: string,
    readonly traceId: string,
    readonly parentId: string | undefined,
    readonly sampled: boolean,
    readonly node: NodeInfo,
    prev: CallContext | null,
  ) {
    this.prev = prev;
    this.closed = false;
    this.threw = false;
    this.errors = 0;
    this.exitData = undefined;
    this.generator = undefined;
  }
}
