import type { AstNodeLocation } from '../storage.types';
import type { QueryContext } from './query-context';

interface LocationRow {
  service: string;
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  kind: string;
  name: string;
  hash: string;
  seen_at: string;
}

/**
 * Where an AST node is, per service: the row of the latest manifest event of
 * each service (LIMIT 1 BY service over rows newest first), so the answer is
 * right before ReplacingMergeTree has merged the older rows away. A primary
 * key lookup (ast_nodes is ordered by ast_node_id). Ties on seen_at (two
 * manifests in one nanosecond) fall to the greater file, then line: any fixed
 * rule will do, it only has to give the same answer twice.
 */
export async function readAstNodeLocations(
  ctx: QueryContext,
  astNodeId: string,
  signal: AbortSignal | undefined,
): Promise<AstNodeLocation[]> {
  const rows = await ctx.gateway.select<LocationRow>({
    sql: `SELECT toString(service) AS service, file, line, column, end_line, end_column, toString(kind) AS kind, name, hash, seen_at
FROM ${ctx.db}.ast_nodes
WHERE ast_node_id = {ast_node_id:String}
ORDER BY service, seen_at DESC, file DESC, line DESC
LIMIT 1 BY service`,
    // One row per service: no cap needed, and none that could cut the answer silently.
    params: { ast_node_id: astNodeId },
    signal,
    what: 'getAstNodeLocations',
  });
  return rows.map((row) => {
    const location: AstNodeLocation = {
      file: row.file,
      line: Number(row.line),
      column: Number(row.column),
      end_line: Number(row.end_line),
      end_column: Number(row.end_column),
      kind: row.kind,
      name: row.name,
      hash: row.hash,
      seen_at: BigInt(row.seen_at),
    };
    if (row.service !== '') location.service = row.service;
    return location;
  });
}
