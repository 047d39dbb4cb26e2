import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import { binary, more, ownCount, property, read, summary, thrown, TRUNCATED_KEY, truncated } from './capture-helpers';
import { REDACTED, type Redactor } from './redactor';

/** Bounds applied to every captured value (args, results, state, variables, message data). */
export interface CaptureLimits {
  /** Longer strings (and keys) are cut, with a note of how much was cut. */
  maxStringLength: number;
  /** Containers nested deeper are summarised (`[Object]`, `[Array(3)]`). */
  maxDepth: number;
  /** Items per array, set or map, and keys per object, beyond which the rest is summarised. */
  maxItems: number;
}

export { TRUNCATED_KEY };
/** Bytes reserved per nesting level for truncation markers (see ValueCapturer.reserveFor). */
const MARKER_BYTES = 40;
// A JSON number never needs more characters than this (-1.2345678901234567e-308).
const NUMBER_BYTES = 24;
const KEY_PLAIN = 0;
const KEY_REDACTED = 1;
const KEY_NEEDS_CLEANING = 2;
// Bounded like the other memos: a stream of distinct keys (ids as keys) only clears it.
const KEY_CACHE_LIMIT = 4096;

/**
 * Turns any JavaScript value into a JSON value that event-schema accepts:
 * BigInt as decimal string, Map as object, Set as array, Dates as ISO text,
 * Errors as `{name, message, stack}`, binary data as a short hex preview,
 * functions and symbols as text, cycles as `[Circular]`, redacted keys as
 * `[REDACTED]`; strings cut to `maxStringLength` and made well-formed.
 *
 * It also spends a byte budget: an estimate of the serialized size that never
 * undercounts more than 6x (the worst JSON escaping), so callers can prove
 * the result fits without serializing it (see EventDataBuilder).
 *
 * @example
 * const capturer = new ValueCapturer({ maxStringLength: 100, maxDepth: 4, maxItems: 50 }, new Redactor());
 * capturer.begin(64 * 1024);
 * capturer.value({ id: 1n, password: 'x', tags: new Set(['a']) }, 0); // { id: '1', password: '[REDACTED]', tags: ['a'] }
 */
export class ValueCapturer {
  /** True while a capture runs: a getter or toJSON that emits again gets a fresh capturer. */
  busy = false;
  private budget = 0;
  private readonly ancestors: object[] = [];
  private readonly keyVerdicts = new Map<string, number>();

  constructor(
    private readonly limits: CaptureLimits,
    private readonly redactor: Redactor,
  ) {}

  /** Bytes to keep aside for truncation markers, one per level of nesting. */
  static reserveFor(limits: CaptureLimits): number {
    return (limits.maxDepth + 2) * MARKER_BYTES;
  }

  /** Starts a capture; `ancestors` is empty here, as every capture pops what it pushed. */
  begin(budget: number): void {
    this.budget = budget;
  }

  /** Counts text the caller adds itself (names, ids) against the budget. */
  charge(bytes: number): void {
    this.budget -= bytes;
  }

  /** The budget left; negative only by the reserved marker bytes. */
  remaining(): number {
    return this.budget;
  }

  /** Captures `input` as an object: anything else is wrapped as `{ value }`. */
  object(input: unknown): JsonObject {
    const captured = this.value(input, 0);
    return typeof captured === 'object' && captured !== null && !Array.isArray(captured)
      ? captured
      : { value: captured };
  }

  value(input: unknown, depth: number): JsonValue {
    switch (typeof input) {
      case 'string':
        return this.string(input);
      case 'number':
        this.budget -= NUMBER_BYTES;
        return Number.isFinite(input) ? input : String(input);
      case 'boolean':
        this.budget -= 5;
        return input;
      case 'bigint':
        return this.string(input.toString());
      case 'undefined':
        this.budget -= 4;
        return null;
      case 'symbol':
        return this.string(input.toString());
      case 'function':
        return this.string(`[Function ${input.name || 'anonymous'}]`);
      case 'object':
        if (input === null) {
          this.budget -= 4;
          return null;
        }
        return this.composite(input, depth);
    }
  }

  string(input: string): string {
    const room = Math.min(this.limits.maxStringLength, Math.max(0, this.budget - 2));
    let out = input;
    if (out.length > room) out = `${input.slice(0, room)}…[${input.length - room} more chars]`;
    // A lone surrogate (or one split by the cut above) would make the event invalid.
    if (!out.isWellFormed()) out = out.toWellFormed();
    this.budget -= out.length + 3;
    return out;
  }

  private composite(input: object, depth: number): JsonValue {
    if (this.ancestors.includes(input)) return this.string('[Circular]');
    if (depth >= this.limits.maxDepth) return this.string(summary(input));
    const proto = Object.getPrototypeOf(input) as unknown;
    this.ancestors.push(input);
    try {
      if (proto === Object.prototype || proto === null)
        return this.custom(input, depth) ?? this.record(input, depth, true);
      if (Array.isArray(input)) return this.array(input as unknown[], depth);
      return this.special(input, depth);
    } finally {
      this.ancestors.pop();
    }
  }

  private special(input: object, depth: number): JsonValue {
    if (input instanceof Date) return this.string(Number.isNaN(input.getTime()) ? 'Invalid Date' : input.toISOString());
    if (input instanceof Error) return this.error(input, depth);
    if (input instanceof Map) return this.map(input, depth);
    if (input instanceof Set) return this.set(input, depth);
    if (ArrayBuffer.isView(input)) return this.string(binary(input.constructor.name, input));
    if (input instanceof ArrayBuffer || input instanceof SharedArrayBuffer)
      return this.string(binary(input.constructor.name, new Uint8Array(input)));
    if (input instanceof Promise || input instanceof WeakMap || input instanceof WeakSet || input instanceof WeakRef)
      return this.string(`[${input.constructor.name}]`);
    // A class instance: its own enumerable fields, like JSON.stringify.
    return this.custom(input, depth) ?? this.record(input, depth, false);
  }

  /** Like JSON.stringify, an object may say how to serialize it (toJSON); after the types above, whose own toJSON is worse (Buffer). */
  private custom(input: object, depth: number): JsonValue | undefined {
    const toJSON = property(input, 'toJSON');
    if (typeof toJSON !== 'function') return undefined;
    const replaced = read(() => toJSON.call(input) as unknown);
    return replaced === input ? undefined : this.value(replaced, depth + 1);
  }

  /** Own enumerable keys, redacted, bounded; getters that throw become text. */
  private record(input: object, depth: number, plain: boolean): JsonObject {
    const out: JsonObject = {};
    const source = input as Record<string, unknown>;
    let seen = 0;
    this.budget -= 2;
    try {
      if (plain) {
        // for-in, not Object.keys: V8 reads `source[key]` through the enum cache, several times faster.
        for (const key in source) {
          if (seen >= this.limits.maxItems || this.budget <= 0) return truncated(out, ownCount(source) - seen, 'keys');
          seen += 1;
          this.field(out, source, key, depth);
        }
      } else {
        // A class instance's prototype may have enumerable members (methods assigned as
        // `Parser.prototype.x = function`: acorn's has ~260): for-in would walk and skip them on
        // every capture (25 us for one acorn Parser). Its own keys are the same sequence without them.
        const keys = Object.keys(source);
        for (const key of keys) {
          if (seen >= this.limits.maxItems || this.budget <= 0) return truncated(out, keys.length - seen, 'keys');
          seen += 1;
          this.field(out, source, key, depth);
        }
      }
    } catch (error) {
      // A proxy whose ownKeys trap throws.
      out[TRUNCATED_KEY] = this.string(thrown(error));
    }
    return out;
  }

  /** One key of a captured object. */
  private field(out: JsonObject, source: Record<string, unknown>, key: string, depth: number): void {
    const verdict = this.keyVerdict(key);
    let name = key;
    if (verdict === KEY_NEEDS_CLEANING) name = this.key(key);
    else this.budget -= key.length + 3;
    if (verdict === KEY_REDACTED) {
      out[name] = this.string(REDACTED);
      return;
    }
    let value: unknown;
    try {
      value = source[key];
    } catch (error) {
      value = thrown(error);
    }
    out[name] = this.value(value, depth + 1);
  }

  private array(input: readonly unknown[], depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    const count = Math.min(input.length, this.limits.maxItems);
    this.budget -= 2;
    for (let i = 0; i < count; i += 1) {
      if (this.budget <= 0) return more(out, input.length - i);
      out.push(this.value(input[i], depth + 1));
    }
    return count < input.length ? more(out, input.length - count) : out;
  }

  private set(input: Set<unknown>, depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.budget -= 2;
    for (const item of input) {
      if (out.length >= this.limits.maxItems || this.budget <= 0) return more(out, input.size - out.length);
      out.push(this.value(item, depth + 1));
    }
    return out;
  }

  private map(input: Map<unknown, unknown>, depth: number): JsonObject {
    const out: JsonObject = {};
    let seen = 0;
    this.budget -= 2;
    for (const [rawKey, item] of input) {
      if (seen >= this.limits.maxItems || this.budget <= 0) return truncated(out, input.size - seen, 'entries');
      seen += 1;
      const key = typeof rawKey === 'object' && rawKey !== null ? summary(rawKey) : String(rawKey);
      out[this.key(key)] = this.redactor.matches(key) ? this.string(REDACTED) : this.value(item, depth + 1);
    }
    return out;
  }

  private error(input: Error, depth: number): JsonObject {
    const out: JsonObject = {
      name: this.string(String(read(() => input.name))),
      message: this.string(String(read(() => input.message))),
    };
    const stack = read(() => input.stack);
    if (typeof stack === 'string') out['stack'] = this.string(stack);
    const code = read(() => (input as { code?: unknown }).code);
    if (code !== undefined) out['code'] = this.value(code, depth + 1);
    const cause = read(() => input.cause);
    if (cause !== undefined) out['cause'] = this.value(cause, depth + 1);
    return out;
  }

  /** One memo lookup per key: redact it, use it as is, or clean it first. Keys repeat; values do not. */
  private keyVerdict(key: string): number {
    const known = this.keyVerdicts.get(key);
    if (known !== undefined) return known;
    const verdict = this.redactor.matches(key)
      ? KEY_REDACTED
      : key === '__proto__' || key.length > this.limits.maxStringLength || !key.isWellFormed()
        ? KEY_NEEDS_CLEANING
        : KEY_PLAIN;
    if (this.keyVerdicts.size >= KEY_CACHE_LIMIT) this.keyVerdicts.clear();
    this.keyVerdicts.set(key, verdict);
    return verdict;
  }

  private key(key: string): string {
    // `__proto__` as an own key would set the prototype of the copy; event-schema rejects it too.
    if (key === '__proto__') return this.string('[__proto__]');
    return this.string(key);
  }
}
