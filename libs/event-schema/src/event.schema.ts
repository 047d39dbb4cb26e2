import { z } from 'zod';

import { EVENT_TYPE_PATTERN, MAX_ID_LENGTH, MAX_TIMESTAMP_NS, SCHEMA_VERSION } from './event';
import { isPlainObject } from './json-value';
import { parseTimestamp } from './timestamp';

const EXCERPT = 40;

function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}... (${text.length} chars)` : text;
}

/** An identifier-like string: 1..128 chars, valid Unicode, no control characters. */
function id(what: string) {
  return (
    z
      .string({ error: (issue) => `${what} must be a string, got ${describe(issue.input)}` })
      .min(1, { error: `${what} must not be empty` })
      .max(MAX_ID_LENGTH, {
        error: (issue) =>
          `${what} is longer than ${MAX_ID_LENGTH} characters (${String((issue.input as string).length)})`,
      })
      .refine((s) => s.isWellFormed(), { error: `${what} is not valid Unicode (lone surrogate)` })
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: `${what} contains control characters` })
  );
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
    if (typeof value === 'bigint') {
      // In-process producers hand over the in-memory form.
      if (value < 0n || value > MAX_TIMESTAMP_NS) {
        ctx.addIssue({ code: 'custom', message: `timestamp ${value} is outside int64 nanoseconds since the epoch` });
        return z.NEVER;
      }
      return value;
    }
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) {
        ctx.addIssue({
          code: 'custom',
          message: Number.isInteger(value)
            ? `timestamp ${value} is beyond 2^53 or negative: send nanoseconds as a decimal string`
            : `timestamp ${value} is not an integer number of nanoseconds`,
        });
        return z.NEVER;
      }
      return BigInt(value);
    }
    if (/^\d{1,19}$/.test(value) && BigInt(value) <= MAX_TIMESTAMP_NS) return BigInt(value);
    const rfc3339 = /^\d{4}-/.test(value) ? parseTimestamp(value) : undefined;
    if (rfc3339 === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `timestamp "${excerpt(value)}" is neither decimal int64 nanoseconds since the epoch nor RFC 3339 with a zone (2026-11-24T10:00:00.123456789Z)`,
      });
      return z.NEVER;
    }
    return rfc3339;
  });

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
