import { MAX_HISTOGRAM_BUCKETS } from '@temporal-bridge/temporal-storage';
import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { cursorParam, idParam, limitParam, quote, rangeCheck, timestampParam } from '../validation/query-params.schema';

/** GET /v1/calls */
export const callsQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Start of the window, inclusive: nanoseconds since the epoch or ISO-8601 with a zone.'),
      to: timestampParam('End of the window, inclusive; at most MAX_RANGE_SECONDS (86400 by default) after `from`.'),
      service: idParam('Only calls of this service.').optional(),
      trace_id: idParam('Only calls of this trace.').optional(),
      limit: limitParam(limits).meta({
        description:
          'Calls per page: 1 to the server maximum (MAX_RESULT_ROWS, 10000 by default); default DEFAULT_LIMIT (1000 by default).',
      }),
      cursor: cursorParam(),
    })
    .superRefine(rangeCheck(limits));

export type CallsQuery = z.output<ReturnType<typeof callsQuery>>;

/** GET /v1/events/histogram */
export const histogramQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Start of the range, inclusive: nanoseconds since the epoch or ISO-8601 with a zone.'),
      to: timestampParam('End of the range, inclusive; at most MAX_RANGE_SECONDS (86400 by default) after `from`.'),
      buckets: z
        .string()
        .transform((text, ctx) => {
          const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
          if (!(value >= 1 && value <= MAX_HISTOGRAM_BUCKETS)) {
            ctx.addIssue({
              code: 'custom',
              message: `must be an integer from 1 to ${MAX_HISTOGRAM_BUCKETS}, got ${quote(text)}`,
            });
            return z.NEVER;
          }
          return value;
        })
        .meta({
          type: 'integer',
          minimum: 1,
          maximum: MAX_HISTOGRAM_BUCKETS,
          description: `Number of equal buckets over [from, to], 1 to ${MAX_HISTOGRAM_BUCKETS} (fewer when the range has fewer nanoseconds).`,
        }),
      service: idParam('Only events of this service.').optional(),
    })
    .superRefine(rangeCheck(limits));

export type HistogramQuery = z.output<ReturnType<typeof histogramQuery>>;
