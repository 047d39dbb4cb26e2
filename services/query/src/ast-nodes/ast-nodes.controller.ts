import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { serializeAstNode, serializeAstNodeStats, serializeEventPage } from '../api/response-serializers';
import { ApiError } from '../errors/api-error';
import { noQuery, pageQuery, type PageQuery } from '../events/events.schema';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import {
  activeAstNodesSchema,
  astNodeSchema,
  astNodeStatsListSchema,
  eventPageSchema,
} from '../openapi/response.schemas';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidParams, ValidQuery } from '../validation/valid-params.decorator';
import {
  activeAstNodesQuery,
  astNodeParams,
  astNodeStatsQuery,
  type ActiveAstNodesQuery,
  type AstNodeParams,
  type AstNodeStatsQuery,
} from './ast-nodes.schema';

/** What code ran: the AST nodes active in a window, and the events of one node. */
@ApiTags('ast-nodes')
@ApiBearerAuth()
@Controller('v1/ast-nodes')
export class AstNodesController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get('active')
  @ApiOperation({
    summary: 'AST nodes active in [from, to]',
    description:
      'The distinct ast_node_ids that have an event in the window or belong to a call whose interval overlaps it (entered at or before `to`, not exited before `from`), ascending; at most MAX_RESULT_ROWS, `truncated` when there were more.',
  })
  @ApiJsonOk(activeAstNodesSchema, 'The active AST node ids.')
  @ApiErrorResponses()
  async active(@ValidQuery(activeAstNodesQuery) query: ActiveAstNodesQuery, @RequestSignal() signal: AbortSignal) {
    return this.queries.run('findActiveAstNodes', signal, (storage, querySignal) =>
      storage.findActiveAstNodes(query.from, query.to, { signal: querySignal }),
    );
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Which functions are slow or failing',
    description:
      'Per AST node, the calls entered in [from, to]: how many, how many failed (an `error` event or a function_exit with data.error), and p50/p95/max duration of those that exited (exact, an observed duration). Sorted descending by `sort`; `truncated` says more nodes had calls than `limit`.',
  })
  @ApiJsonOk(astNodeStatsListSchema, 'The nodes, sorted; truncated when cut at `limit`.')
  @ApiErrorResponses()
  async stats(@ValidQuery(astNodeStatsQuery) query: AstNodeStatsQuery, @RequestSignal() signal: AbortSignal) {
    const list = await this.queries.run('getAstNodeStats', signal, (storage, querySignal) =>
      storage.getAstNodeStats(query.from, query.to, {
        service: query.service,
        sort: query.sort,
        limit: query.limit,
        signal: querySignal,
      }),
    );
    return serializeAstNodeStats(query.from, query.to, list);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Events of an AST node',
    description:
      'Every event with this ast_node_id, ordered by timestamp, then seq, then event_id, one page at a time.',
  })
  @ApiJsonOk(eventPageSchema, 'One page of events; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async events(
    @ValidParams(astNodeParams) params: AstNodeParams,
    @ValidQuery(pageQuery) query: PageQuery,
    @RequestSignal() signal: AbortSignal,
  ) {
    const page = await this.queries.run('getEventsForAstNode', signal, (storage, querySignal) =>
      storage.getEventsForAstNode(params.id, { limit: query.limit, cursor: query.cursor, signal: querySignal }),
    );
    return serializeEventPage(page);
  }

  // Static routes (active, stats) win over this one in Fastify's router whatever the order.
  @Get(':id')
  @ApiOperation({
    summary: 'Where an AST node is in the source',
    description:
      "From the instrumentation manifests (`tb.ast_nodes` events): per service that published the node, its latest file, line, column, kind, name and content hash. URL-encode the id's `/`, `#` and `:`.",
  })
  @ApiJsonOk(astNodeSchema, 'The locations of the node, one per service.')
  @ApiErrorResponses(404)
  async location(
    @ValidParams(astNodeParams) params: AstNodeParams,
    @ValidQuery(noQuery) _query: object,
    @RequestSignal() signal: AbortSignal,
  ) {
    const locations = await this.queries.run('getAstNodeLocations', signal, (storage, querySignal) =>
      storage.getAstNodeLocations(params.id, { signal: querySignal }),
    );
    if (locations.length === 0) {
      throw ApiError.notFound(`id: no instrumentation manifest names the AST node ${JSON.stringify(params.id)}`);
    }
    return serializeAstNode(params.id, locations);
  }
}
