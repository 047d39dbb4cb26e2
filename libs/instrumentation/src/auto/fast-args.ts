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

  entry(node: NodeInfo, args: readonly unknown[]): JsonObject | undefined {
    const n = args.length;
    if (n > MAX_FAST_ARGS) return undefined;
    const out = new Array<JsonValue>(n);
    let chars = 0;
    for (let i = 0; i < n; i += 1) {
      const arg = args[i];
      switch (typeof arg) {
        case 'number':
          if (!Number.isFinite(arg)) return undefined;
          out[i] = arg;
          break;
        case 'boolean':
          out[i] = arg;
          break;
        case 'undefined':
          out[i] = null;
          break;
        case 'string':
          if (arg.length > this.maxStringLength || !arg.isWellFormed()) return undefined;
          chars += arg.length;
          out[i] = arg;
          break;
        case 'object':
          if (arg !== null) return undefined;
          out[i] = null;
          break;
        case 'bigint':
        case 'symbol':
        case 'function':
          return undefined;
      }
    }
    if (chars > this.stringRoom) return undefined;
    return { module: node.module, function: node.fn, args: out };
  }
}
