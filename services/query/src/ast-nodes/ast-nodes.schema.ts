import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';
import { idParam, rangeCheck, timestampParam } from '../validation/query-params.schema';

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
