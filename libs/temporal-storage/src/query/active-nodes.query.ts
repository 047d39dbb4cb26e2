import { openCallsSql } from './active-calls.query';
import type { QueryContext } from './query-context';

/**
 * AST nodes active in [from, to]: those with an event in the window, plus
 * the nodes of calls that overlap it. A call entered inside the window has
 * its function_entry (and so its node) in the window already; the others
 * are the calls entered before `from` and not exited before `from`, found
 * by the open-calls query at instant from - 1 (timestamps are integers).
 * A call's node is its function_entry's ast_node_id.
 */
export async function readActiveAstNodes(
  ctx: QueryContext,
  from: bigint,
  to: bigint,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const open = openCallsSql(ctx, { enteredBy: from - 1n, closedBy: from - 1n });
  const rows = await ctx.gateway.select<{ node: string }>({
    sql: `SELECT node
FROM
(
    SELECT DISTINCT toString(ast_node_id) AS node
    FROM ${ctx.db}.events
    WHERE timestamp >= {from:Int64} AND timestamp <= {to:Int64} AND ast_node_id != ''
    UNION DISTINCT
    SELECT ast_node_id AS node FROM (${open.sql}) WHERE ast_node_id != ''
)
ORDER BY node`,
    params: { ...open.params, from, to },
    signal,
    what: 'getActiveAstNodes',
  });
  return rows.map((row) => row.node);
}
