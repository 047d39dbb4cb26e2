import { candidateSql, exitedAmong } from './active-calls.query';
import type { QueryContext } from './query-context';

/**
 * AST nodes active in [from, to]: those with an event in the window, plus
 * the nodes of calls that overlap it. A call entered inside the window has
 * its function_entry (and so its node) in the window already; the others
 * are the calls entered before `from` and not exited before `from`: the
 * calls open at instant from - 1 (timestamps are integers). A call's node is
 * its function_entry's ast_node_id.
 *
 * One statement answers both halves (a round trip costs several ms on a
 * small machine); only calls with no exit paired in `calls` come back with
 * their correlation_id, to be checked against call_exits.
 */
export async function readActiveAstNodes(
  ctx: QueryContext,
  from: bigint,
  to: bigint,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const what = 'getActiveAstNodes';
  const instant = from - 1n;
  const open = candidateSql(ctx, { enteredBy: instant, closedBy: instant }, undefined, true);
  const rows = await ctx.gateway.select<{ node: string; unpaired_call: string }>({
    sql: `SELECT node, unpaired_call
FROM
(
    SELECT toString(ast_node_id) AS node, '' AS unpaired_call
    FROM (SELECT DISTINCT ast_node_id FROM ${ctx.db}.events WHERE timestamp >= {from:Int64} AND timestamp <= {to:Int64})
    WHERE node != ''
    UNION ALL
    SELECT DISTINCT node, if(unpaired, correlation_id, '') AS unpaired_call
    FROM (${open.sql})
    WHERE node != ''
)
ORDER BY node`,
    params: { ...open.params, from, to },
    signal,
    what,
  });
  // Rows come sorted by node (ClickHouse compares bytes): keep that order, skipping repeats.
  const nodes: string[] = [];
  const unpaired = new Map<string, string>();
  for (const row of rows) {
    if (row.unpaired_call !== '') unpaired.set(row.unpaired_call, row.node);
    else if (nodes.at(-1) !== row.node) nodes.push(row.node);
  }
  if (unpaired.size === 0) return nodes;
  const exited = await exitedAmong(ctx, [...unpaired.keys()], instant, signal, what);
  const known = new Set(nodes);
  const added = [...unpaired].filter(([id, node]) => !exited.has(id) && !known.has(node)).map(([, node]) => node);
  return added.length === 0 ? nodes : sortByBytes([...new Set([...nodes, ...added])]);
}

/** Byte order of the UTF-8 encoding, as ClickHouse sorts strings (JS compares UTF-16 units). */
function sortByBytes(values: string[]): string[] {
  return values
    .map((value) => ({ value, bytes: Buffer.from(value, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((entry) => entry.value);
}
