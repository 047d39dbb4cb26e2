import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { serializeEventPage, serializeTracePage } from '../api/response-serializers';
import { pageQuery, type PageQuery } from '../events/events.schema';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { eventPageSchema, tracePageSchema } from '../openapi/response.schemas';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidParams, ValidQuery } from '../validation/valid-params.decorator';
import { traceIdParams, tracesQuery, type TraceIdParams, type TracesQuery } from './traces.schema';

/** Which requests ran, and everything one of them did. */
@ApiTags('traces')
@ApiBearerAuth()
@Controller('v1/traces')
export class TracesController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Traces rooted in [from, to]',
    description:
      "Traces whose root call (a call without parent) entered in the window: the root call, the services taking part, start, the root call's duration (null while open), distinct events and failed calls (an `error` event or a function_exit with data.error). Sorted by start or by duration, one page at a time.",
  })
  @ApiJsonOk(tracePageSchema, 'One page of traces; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async list(@ValidQuery(tracesQuery) query: TracesQuery, @RequestSignal() signal: AbortSignal) {
    const page = await this.queries.run('listTraces', signal, (storage, querySignal) =>
      storage.listTraces(query.from, query.to, {
        service: query.service,
        errors: query.error,
        minDurationNs: query.min_duration_ms,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        signal: querySignal,
      }),
    );
    return serializeTracePage(page);
  }

  @Get(':trace_id/events')
  @ApiOperation({
    summary: 'Events of a trace',
    description: 'Every event with this trace_id, ordered by timestamp, then seq, then event_id, one page at a time.',
  })
  @ApiJsonOk(eventPageSchema, 'One page of events; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async events(
    @ValidParams(traceIdParams) params: TraceIdParams,
    @ValidQuery(pageQuery) query: PageQuery,
    @RequestSignal() signal: AbortSignal,
  ) {
    const page = await this.queries.run('getEventsForTrace', signal, (storage, querySignal) =>
      storage.getEventsForTrace(params.trace_id, { limit: query.limit, cursor: query.cursor, signal: querySignal }),
    );
    return serializeEventPage(page);
  }
}
