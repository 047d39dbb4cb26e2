import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import { type Redactor } from './redactor';
import { TRUNCATED_KEY, ValueCapturer, type CaptureLimits } from './value-capturer';

/** Capture limits plus the wire limit on serialized `data`. */
export interface DataLimits extends CaptureLimits {
  /** Serialized `data` stays at or under this many UTF-8 bytes (event-schema's DEFAULT_MAX_DATA_BYTES by default). */
  maxDataBytes: number;
}

// Escaping can turn one UTF-16 unit into six bytes (\u0000); the capturer's
// estimate counts one, so an estimate under max/6 proves the event fits.
const WORST_ESCAPE_FACTOR = 6;
const NAME_LENGTH = 256;
const ENTRY_KEYS = ['module', 'function'] as const;
const MESSAGE_KEYS = ['message_id'] as const;
const NONE: readonly string[] = [];

/**
 * Builds the `data` object of each well-known event type from application
 * values, and guarantees it stays under the wire limit: an oversized capture
 * is captured again, smaller, instead of producing an event the bridge would
 * reject. Keys that identify the event (module, function, message_id) are
 * kept verbatim.
 *
 * @example
 * const builder = new EventDataBuilder({ maxStringLength: 1024, maxDepth: 8, maxItems: 100, maxDataBytes: 65536 }, new Redactor());
 * builder.state({ count: 1, token: 'abc' }); // { state: { count: 1, token: '[REDACTED]' } }
 */
export class EventDataBuilder {
  private readonly shared: ValueCapturer;
  private readonly reserve: number;

  constructor(
    private readonly limits: DataLimits,
    private readonly redactor: Redactor,
  ) {
    this.shared = new ValueCapturer(limits, redactor);
    this.reserve = ValueCapturer.reserveFor(limits);
  }

  entry(module: string, fn: string, args: readonly unknown[] | undefined): JsonObject {
    const cap = this.start();
    try {
      const data: JsonObject = { module: name(module), function: name(fn) };
      cap.charge(module.length + fn.length + 24);
      if (args !== undefined) data['args'] = cap.value(args, 0);
      return this.finish(cap, data, ENTRY_KEYS);
    } finally {
      cap.busy = false;
    }
  }

  /** `undefined` when there is nothing to say (no captured result, no error). */
  exit(captureResult: boolean, result: unknown, threw: boolean, error: unknown): JsonObject | undefined {
    if (!threw && !captureResult) return undefined;
    const cap = this.start();
    try {
      const data: JsonObject = {};
      if (threw) data['error'] = cap.value(error, 0);
      else data['result'] = cap.value(result, 0);
      return this.finish(cap, data, NONE);
    } finally {
      cap.busy = false;
    }
  }

  /** `key` is `state` (state_change) or `variables` (variable_snapshot): always an object. */
  snapshot(key: 'state' | 'variables', values: unknown): JsonObject {
    const cap = this.start();
    try {
      // Literal keys: a computed key would make V8 build the object the slow way.
      const data: JsonObject = key === 'state' ? { state: cap.object(values) } : { variables: cap.object(values) };
      return this.finish(cap, data, NONE);
    } finally {
      cap.busy = false;
    }
  }

  /** `messageId` is already validated (1..128 characters). */
  message(messageId: string, extra: unknown): JsonObject {
    const cap = this.start();
    try {
      cap.charge(messageId.length + 16);
      return this.merged(cap, { message_id: messageId }, extra, MESSAGE_KEYS);
    } finally {
      cap.busy = false;
    }
  }

  error(error: unknown, extra: unknown): JsonObject {
    const cap = this.start();
    try {
      return this.merged(cap, { error: cap.value(error, 0) }, extra, NONE);
    } finally {
      cap.busy = false;
    }
  }

  log(level: string, message: string, fields: unknown): JsonObject {
    const cap = this.start();
    try {
      const head: JsonObject = { level: cap.string(name(level)), message: cap.string(message) };
      return this.merged(cap, head, fields, NONE);
    } finally {
      cap.busy = false;
    }
  }

  custom(data: unknown): JsonObject {
    const cap = this.start();
    try {
      return this.finish(cap, cap.object(data), NONE);
    } finally {
      cap.busy = false;
    }
  }

  /** Application fields after the well-known ones, which win on a clash. */
  private merged(cap: ValueCapturer, head: JsonObject, extra: unknown, preserve: readonly string[]): JsonObject {
    if (extra !== undefined && extra !== null) {
      const fields = cap.object(extra);
      for (const key of Object.keys(fields)) if (!Object.hasOwn(head, key)) head[key] = fields[key]!;
    }
    return this.finish(cap, head, preserve);
  }

  private start(): ValueCapturer {
    // A getter or toJSON may emit while we capture: give it its own capturer.
    const cap = this.shared.busy ? new ValueCapturer(this.limits, this.redactor) : this.shared;
    cap.busy = true;
    cap.begin(this.limits.maxDataBytes);
    return cap;
  }

  private finish(cap: ValueCapturer, data: JsonObject, preserve: readonly string[]): JsonObject {
    const spent = this.limits.maxDataBytes - cap.remaining();
    if ((spent + this.reserve) * WORST_ESCAPE_FACTOR <= this.limits.maxDataBytes) return data;
    return this.fit(data, preserve);
  }

  /** Exact check, then one tighter capture whose estimate proves the fit; last resort, empty containers. */
  private fit(data: JsonObject, preserve: readonly string[]): JsonObject {
    const max = this.limits.maxDataBytes;
    const bytes = byteLength(data);
    if (bytes <= max) return data;
    const out: JsonObject = {};
    let budget = Math.floor(max / WORST_ESCAPE_FACTOR) - this.reserve;
    for (const key of preserve) {
      const value = data[key];
      if (value === undefined) continue;
      out[key] = value;
      budget -= byteLength(value) + key.length + 4;
    }
    const cap = new ValueCapturer(this.limits, this.redactor);
    cap.begin(budget);
    for (const key of Object.keys(data)) if (!preserve.includes(key)) out[key] = cap.value(data[key], 0);
    out[TRUNCATED_KEY] = `data was ${bytes} bytes serialized, above the ${max}-byte limit`;
    return byteLength(out) <= max ? out : emptied(out, preserve);
  }
}

function emptied(data: JsonObject, preserve: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(data)) {
    if (preserve.includes(key) || key === TRUNCATED_KEY) out[key] = value;
    else if (Array.isArray(value)) out[key] = [];
    else if (typeof value === 'object' && value !== null) out[key] = {};
  }
  return out;
}

function byteLength(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Module, function and level names: short, well-formed text. */
function name(text: string): string {
  const cut = text.length > NAME_LENGTH ? text.slice(0, NAME_LENGTH) : text;
  return cut.isWellFormed() ? cut : cut.toWellFormed();
}
