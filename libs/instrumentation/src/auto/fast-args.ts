import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import { type NodeInfo } from './auto-call';

const MAX_FAST_ARGS = 16;
// JSON escaping can make one UTF-16 unit six bytes: strings this short in total always fit.
const WORST_ESCAPE_FACTOR = 6;
const ROOM_FOR_NAMES = 1024;

/**
 * The entry data of a call whose arguments are all primitives that the
 * capture rules would keep as they are (finite numbers, booleans, null,
 * undefined as null, short well-formed strings): built directly, which is
 * most calls and several times cheaper than the general capture. Anything
 * else (objects, long or broken strings, bigint, NaN...) returns undefined
 * and goes through the capture rules.
 */
export class FastArgs {
  private readonly stringRoom: number;

  constructor(
    private readonly maxStringLength: number,
    maxDataBytes: number,
  ) {
    this.stringRoom = Math.floor(maxDataBytes / WORST_ESCAPE_FACTOR) - ROOM_FOR_NAMES;
  }

  /**
   * `args` is the array the instrumented call site built for this call
   * alone (docs/auto-instrumentation.md): when it qualifies it becomes the captured
   * value itself (undefined turned into null in place), one allocation less.
   */
  entry(node: NodeInfo, args: unknown[]): JsonObject | undefined {
    const n = args.length;
    if (n > MAX_FAST_ARGS) return undefined;
    let chars = 0;
    let holes = false;
    for (let i = 0; i < n; i += 1) {
      const arg = args[i];
      switch (typeof arg) {
        case 'number':
          if (!Number.isFinite(arg)) return undefined;
          break;
        case 'boolean':
          break;
        case 'undefined':
          holes = true;
          break;
        case 'string':
          if (arg.length > this.maxStringLength || !arg.isWellFormed()) return undefined;
          chars += arg.length;
          break;
        case 'object':
          if (arg !== null) return undefined;
          break;
        case 'bigint':
        case 'symbol':
        case 'function':
          return undefined;
      }
    }
    if (chars > this.stringRoom) return undefined;
    // (A hole of a sparse array reads as undefined too.) JSON has no undefined.
    if (holes) for (let i = 0; i < n; i += 1) args[i] ??= null;
    return { module: node.module, function: node.fn, args: args as JsonValue[] };
  }
}
