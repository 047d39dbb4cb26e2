import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { idParam, quote, rangeCheck, timestampParam } from '../validation/query-params.schema';
import { summaryLimitParam } from '../validation/summary-limit.param';

/** GET /v1/ast-nodes/active */
export const activeAstNodesQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Start of the window, inclusive: nanoseconds since the epoch or ISO-8601 with a zone.'),
      to: timestampParam('End of the window, inclusive; at most MAX_RANGE_SECONDS (86400 by default) after `from`.'),
    })
    .superRefine(rangeCheck(limits));

export type ActiveAstNodesQuery = z.output<ReturnType<typeof activeAstNodesQuery>>;

/** GET /v1/ast-nodes/{id}/events */
export const astNodeParams = z.strictObject({ id: idParam('The AST node id (URL-encode "/", "#" and ":").') });

export type AstNodeParams = z.output<typeof astNodeParams>;

/** GET /v1/ast-nodes/stats */
export const astNodeStatsQuery = (limits: QueryLimits) =>
  z
    .strictObject({
      from: timestampParam('Calls entered at or after this instant: nanoseconds since the epoch or ISO-8601.'),
      to: timestampParam('Calls entered at or before this instant; at most MAX_RANGE_SECONDS after `from`.'),
      service: idParam('Only calls of this service.').optional(),
      sort: z
        .enum(['calls', 'errors', 'p50', 'p95', 'max'], {
          error: (issue) => `must be one of calls, errors, p50, p95, max, got ${quote(String(issue.input))}`,
        })
        .optional()
        .meta({ description: 'Descending; default `calls`. Nodes with no finished call sort last by duration.' }),
      limit: summaryLimitParam(limits, 'Nodes to list'),
    })
    .superRefine(rangeCheck(limits));

export type AstNodeStatsQuery = z.output<ReturnType<typeof astNodeStatsQuery>>;
