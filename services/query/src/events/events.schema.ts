import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { cursorParam, idParam, limitParam, rangeCheck, timestampParam } from '../validation/query-params.schema';

/** GET /v1/events */
export const eventsRangeQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Start of the range, inclusive: nanoseconds since the epoch or ISO-8601 with a zone.'),
      to: timestampParam('End of the range, inclusive; at most MAX_RANGE_SECONDS (86400 by default) after `from`.'),
      service: idParam('Only events of this service.').optional(),
      limit: limitParam(limits),
      cursor: cursorParam(),
    })
    .superRefine(rangeCheck(limits));

export type EventsRangeQuery = z.output<ReturnType<typeof eventsRangeQuery>>;

/** The paging parameters of the by-id listings. */
export const pageQuery = (limits: QueryLimits) => z.strictObject({ limit: limitParam(limits), cursor: cursorParam() });

export type PageQuery = z.output<ReturnType<typeof pageQuery>>;

/** Routes that take no query parameters still reject unknown ones: a typo must not pass silently. */
export const noQuery = z.strictObject({});

/** GET /v1/events/{event_id}/path */
export const eventIdParams = z.strictObject({ event_id: idParam('The target event.') });

export type EventIdParams = z.output<typeof eventIdParams>;
