import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { idParam, rangeCheck, timestampParam } from '../validation/query-params.schema';

/**
 * GET /v1/events/export: any window, no MAX_RANGE_SECONDS. Its cost is
 * bounded per storage call instead: the stream reads MAX_RESULT_ROWS events
 * at a time, each page a keyset query of its own (its own deadline), and
 * reads the next page only when the client has taken the previous one.
 */
export const exportQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Start of the window, inclusive: nanoseconds since the epoch or ISO-8601 with a zone.'),
      to: timestampParam('End of the window, inclusive; any width (retention bounds what is there).'),
      service: idParam('Only events of this service.').optional(),
    })
    .superRefine(rangeCheck({ ...limits, maxRangeSeconds: Number.MAX_SAFE_INTEGER }));

export type ExportQuery = z.output<ReturnType<typeof exportQuery>>;
