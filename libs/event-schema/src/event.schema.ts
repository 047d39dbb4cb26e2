import { z } from 'zod';

import { EVENT_TYPE_PATTERN, MAX_ID_LENGTH, MAX_TIMESTAMP_NS, SCHEMA_VERSION } from './event';
import { isPlainObject } from './json-value';
import { parseTimestamp } from './timestamp';

const EXCERPT = 40;
const DECIMAL_NS = /^\d{1,19}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}... (${text.length} chars)` : text;
}

/** An identifier-like string: 1..128 chars, valid Unicode, no control characters. */
function id(what: string) {
  return z
    .string({ error: (issue) => `${what} must be a string, got ${describe(issue.input)}` })
    .min(1, { error: `${what} must not be empty` })
    .max(MAX_ID_LENGTH, {
      error: (issue) =>
        `${what} is longer than ${MAX_ID_LENGTH} characters (${String((issue.input as string).length)})`,
    })
    .refine((s) => s.isWellFormed(), { error: `${what} is not valid Unicode (lone surrogate)` })
    .refine((s) => !CONTROL.test(s), { error: `${what} contains control characters` });
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (input === undefined) return 'nothing';
  return `${typeof input} ${excerpt(input)}`;
}

/**
 * Nanoseconds since the epoch: a decimal string, or a JSON number when it is a
 * safe integer (beyond 2^53 a JSON number has already lost digits), or a
 * bigint from an in-process producer; or an RFC 3339 string with a zone and
 * up to nanosecond precision (what queries accept, so a copied value works).
 */
const timestamp = z
  .union([z.string(), z.number(), z.bigint()], {
    error: (issue) =>
      `timestamp must be decimal nanoseconds (string or safe integer) or RFC 3339, got ${describe(issue.input)}`,
  })
  .transform((value, ctx): bigint => {
    const read = readTimestamp(value);
    if (typeof read === 'bigint') return read;
    ctx.addIssue({ code: 'custom', message: read });
    return z.NEVER;
  });

/**
 * A wire timestamp as bigint nanoseconds, or the reason it is not one. The
 * one reading of a timestamp: the zod schema and the fast checker both call it.
 */
function readTimestamp(value: string | number | bigint): bigint | string {
  if (typeof value === 'bigint') {
    // In-process producers hand over the in-memory form.
    return value < 0n || value > MAX_TIMESTAMP_NS
      ? `timestamp ${value} is outside int64 nanoseconds since the epoch`
      : value;
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    return Number.isInteger(value)
      ? `timestamp ${value} is beyond 2^53 or negative: send nanoseconds as a decimal string`
      : `timestamp ${value} is not an integer number of nanoseconds`;
  }
  if (DECIMAL_NS.test(value)) {
    const nanos = BigInt(value);
    if (nanos <= MAX_TIMESTAMP_NS) return nanos;
  }
  const rfc3339 = /^\d{4}-/.test(value) ? parseTimestamp(value) : undefined;
  return (
    rfc3339 ??
    `timestamp "${excerpt(value)}" is neither decimal int64 nanoseconds since the epoch nor RFC 3339 with a zone (2026-11-24T10:00:00.123456789Z)`
  );
}

/**
 * The wire event, schema version 1 (see docs/architecture.md). Unknown fields are
 * ignored so that newer producers can add optional fields; fields the bridge
 * derives (duration_ns, linked_event_id, timestamp_inferred) are never read
 * from producers.
 */
export const wireEventSchema = z.object({
  schema_version: z
    .literal(SCHEMA_VERSION, {
      error: (issue) => `schema_version ${excerpt(issue.input)} is not supported (this build reads ${SCHEMA_VERSION})`,
    })
    .optional(),
  event_id: id('event_id').optional(),
  timestamp: timestamp.optional(),
  event_type: z
    .string({ error: (issue) => `event_type must be a string, got ${describe(issue.input)}` })
    .regex(EVENT_TYPE_PATTERN, {
      error: (issue) => `event_type "${excerpt(issue.input)}" does not match [a-z][a-z0-9_.:-]{0,63}`,
    }),
  correlation_id: id('correlation_id'),
  parent_id: id('parent_id').optional(),
  trace_id: id('trace_id').optional(),
  ast_node_id: id('ast_node_id').optional(),
  service: id('service').optional(),
  instance: id('instance').optional(),
  seq: z
    .number({ error: (issue) => `seq must be a number, got ${describe(issue.input)}` })
    .refine((n) => Number.isSafeInteger(n) && n >= 0, { error: 'seq must be a non-negative safe integer' })
    .optional(),
  // Contents are checked by jsonProblems (iteratively, without copying).
  data: z
    .custom<Record<string, unknown>>((value) => isPlainObject(value), {
      error: (issue) => `data must be a JSON object, got ${describe(issue.input)}`,
    })
    .optional(),
});

export type WireEventInput = z.input<typeof wireEventSchema>;

/** What {@link checkWireEvent} answers for an event that breaks a rule. */
export const INVALID_WIRE_EVENT: unique symbol = Symbol('invalid wire event');

/**
 * The fast path of the wire schema: decides, without allocating, whether
 * `input` meets every rule of {@link wireEventSchema}, and answers its
 * timestamp (undefined when absent) or INVALID_WIRE_EVENT. The rules are the
 * schema's, field by field, with the same constants and the same timestamp
 * reading; zod runs only for an event this refuses, to name its problems
 * (parse-event.spec proves both agree on accept and reject, also on
 * generated inputs). Measured ~20x cheaper than safeParse (bench/hotpath).
 *
 * `plainStrings`: the caller knows every string in `input` is valid Unicode
 * without control characters (see {@link hasPlainStrings}), so ids are
 * checked for type and length only: those two tests were most of this
 * check's cost, about 80 ns per id.
 */
export function checkWireEvent(
  input: Record<string, unknown>,
  plainStrings = false,
): bigint | undefined | typeof INVALID_WIRE_EVENT {
  const version = input['schema_version'];
  if (version !== undefined && version !== SCHEMA_VERSION) return INVALID_WIRE_EVENT;
  const eventType = input['event_type'];
  if (typeof eventType !== 'string' || !EVENT_TYPE_PATTERN.test(eventType)) return INVALID_WIRE_EVENT;
  if (!isId(input['correlation_id'], plainStrings)) return INVALID_WIRE_EVENT;
  for (const field of OPTIONAL_IDS) {
    const value = input[field];
    if (value !== undefined && !isId(value, plainStrings)) return INVALID_WIRE_EVENT;
  }
  const seq = input['seq'];
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0))
    return INVALID_WIRE_EVENT;
  const data = input['data'];
  if (data !== undefined && !isPlainObject(data)) return INVALID_WIRE_EVENT;
  const timestamp = input['timestamp'];
  if (timestamp === undefined) return undefined;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number' && typeof timestamp !== 'bigint')
    return INVALID_WIRE_EVENT;
  const nanos = readTimestamp(timestamp);
  return typeof nanos === 'bigint' ? nanos : INVALID_WIRE_EVENT;
}

const OPTIONAL_IDS = ['event_id', 'parent_id', 'trace_id', 'ast_node_id', 'service', 'instance'] as const;

/** The rules of {@link id}, as one test; the character tests only when strings are not known plain. */
function isId(value: unknown, plainStrings: boolean): boolean {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= MAX_ID_LENGTH &&
    (plainStrings || (value.isWellFormed() && !CONTROL.test(value)))
  );
}

/**
 * Whether every string (value or key) that JSON.parse makes of `text` is
 * valid Unicode without the control characters {@link id} refuses. JSON
 * forbids raw U+0000-U+001F in strings, so those and lone surrogates can
 * only come from an escape, which starts with a backslash; DEL may be raw,
 * so it is looked for; text decoded from bytes that passed isUtf8 holds no
 * lone surrogate (`fromUtf8`), other text is checked. Two native scans of the
 * text, cheaper than the per-string tests they replace when it has no
 * backslash (most events); an event with one takes the full tests.
 */
export function hasPlainStrings(text: string, fromUtf8: boolean): boolean {
  return text.indexOf('\\') === -1 && text.indexOf('\u007f') === -1 && (fromUtf8 || text.isWellFormed());
}
