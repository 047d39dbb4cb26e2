import { readOpenCalls } from './active-calls.query';
import type { QueryContext } from './query-context';

/** Open calls read per page when collecting their nodes. */
const OPEN_CALLS_PAGE = 10_000;

/**
 * AST nodes active in [from, to]: those with an event in the window, plus
 * the nodes of calls that overlap it. A call entered inside the window has
 * its function_entry (and so its node) in the window already; the others
 * are the calls entered before `from` and not exited before `from`: the
 * calls open at instant from - 1 (timestamps are integers). A call's node is
 * its function_entry's ast_node_id.
 */
export async function readActiveAstNodes(
  ctx: QueryContext,
  from: bigint,
  to: bigint,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const what = 'getActiveAstNodes';
  // One after the other: on two cores, running both at once made each slower than the sum (measured).
  const inWindow = await ctx.gateway.select<{ node: string }>({
    sql: `SELECT DISTINCT toString(ast_node_id) AS node
FROM ${ctx.db}.events
WHERE timestamp >= {from:Int64} AND timestamp <= {to:Int64} AND ast_node_id != ''`,
    params: { from, to },
    signal,
    what,
  });
  const nodes = new Set(inWindow.map((row) => row.node));
  for (const node of await openCallNodes(ctx, from - 1n, signal, what)) nodes.add(node);
  return sortByBytes([...nodes]);
}

/** Byte order of the UTF-8 encoding, as ClickHouse sorts strings (JS compares UTF-16 units). */
function sortByBytes(values: string[]): string[] {
  return values
    .map((value) => ({ value, bytes: Buffer.from(value, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((entry) => entry.value);
}

async function openCallNodes(
  ctx: QueryContext,
  instant: bigint,
  signal: AbortSignal | undefined,
  what: string,
): Promise<string[]> {
  const { calls } = await readOpenCalls(
    ctx,
    { enteredBy: instant, closedBy: instant },
    Number.MAX_SAFE_INTEGER - 1,
    signal,
    what,
    OPEN_CALLS_PAGE,
  );
  return calls.flatMap((call) => (call.ast_node_id === undefined ? [] : [call.ast_node_id]));
}
