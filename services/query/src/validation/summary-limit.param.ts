import type { QueryLimits } from '../api/query-api.options';
import { limitParam } from './query-params.schema';

/**
 * `limit` of the summary routes (traces, AST node statistics): each row
 * summarises many events, so lists are shorter than event pages: default
 * 100, at most 1000 (or MAX_RESULT_ROWS when lower).
 */
export function summaryLimitParam(limits: QueryLimits, what: string) {
  const maxResultRows = Math.min(1000, limits.maxResultRows);
  return limitParam({ ...limits, maxResultRows, defaultLimit: Math.min(100, maxResultRows) }).meta({
    description: `${what}: 1 to 1000 (or MAX_RESULT_ROWS when lower); default 100.`,
  });
}
