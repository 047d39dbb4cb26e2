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
 * and this runs once per recorded call. The fields are `declare`d: as class
 * fields (ES2022 semantics) each would first be defined as undefined by a
 * separate initializer and then assigned, twice the stores per call.
 */
export class AutoCall implements CallContext {
  declare readonly correlationId: string;
  declare readonly traceId: string;
  declare readonly parentId: string | undefined;
  declare readonly sampled: boolean;
  declare readonly node: NodeInfo;
  /** Whose call to restore as current when this one suspends or exits; null once it did. */
  declare prev: CallContext | null;
  declare closed: boolean;
  declare errors: number;
  /** `{result}` (result capture on) or `{error}` (it threw): the exit's data. */
  declare exitData: JsonObject | undefined;
  declare generator: GeneratorRecord | undefined;

  constructor(
    correlationId: string,
    traceId: string,
    parentId: string | undefined,
    sampled: boolean,
    node: NodeInfo,
    prev: CallContext | null,
  ) {
    this.correlationId = correlationId;
    this.traceId = traceId;
    this.parentId = parentId;
    this.sampled = sampled;
    this.node = node;
    this.prev = prev;
    this.closed = false;
    this.errors = 0;
    this.exitData = undefined;
    this.generator = undefined;
  }
}
