import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { cursorParam, idParam, quote, rangeCheck, timestampParam } from '../validation/query-params.schema';
import { summaryLimitParam } from '../validation/summary-limit.param';

/** `true` or `false`, nothing else: a typo must not read as either. */
function booleanParam(description: string) {
  return z
    .enum(['true', 'false'], { error: (issue) => `must be true or false, got ${quote(String(issue.input))}` })
    .transform((text) => text === 'true')
    .optional()
    .meta({ description });
}

/** Milliseconds, fractions allowed down to the nanosecond; parsed to bigint nanoseconds. */
function durationMsParam(description: string) {
  return z
    .string()
    .transform((text, ctx) => {
      const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text);
      if (match === null) {
        ctx.addIssue({ code: 'custom', message: `must be milliseconds, e.g. 250 or 0.5, got ${quote(text)}` });
        return z.NEVER;
      }
      return BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
    })
    .optional()
    .meta({ description, example: '250' });
}

/** GET /v1/traces */
export const tracesQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Roots entered at or after this instant: nanoseconds since the epoch or ISO-8601.'),
      to: timestampParam('Roots entered at or before this instant; at most MAX_RANGE_SECONDS after `from`.'),
      service: idParam('Only traces whose root call ran in this service.').optional(),
      error: booleanParam('true: only traces with a failed call; false: only traces without.'),
      min_duration_ms: durationMsParam('Only traces whose root call lasted at least this long (open ones excluded).'),
      sort: z
        .enum(['start', 'duration'], {
          error: (issue) => `must be start or duration, got ${quote(String(issue.input))}`,
        })
        .optional()
        .meta({ description: '`start` (default): oldest first; `duration`: longest first, open traces last.' }),
      limit: summaryLimitParam(limits, 'Traces per page'),
      cursor: cursorParam(),
    })
    .superRefine(rangeCheck(limits));

export type TracesQuery = z.output<ReturnType<typeof tracesQuery>>;

/** GET /v1/traces/{trace_id}/events */
export const traceIdParams = z.strictObject({ trace_id: idParam('The trace id.') });

export type TraceIdParams = z.output<typeof traceIdParams>;
