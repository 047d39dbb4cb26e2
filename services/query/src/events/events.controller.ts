import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { serializeEventPage, serializeExecutionPath } from '../api/response-serializers';
import { ApiError } from '../errors/api-error';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { eventPageSchema, executionPathSchema } from '../openapi/response.schemas';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidParams, ValidQuery } from '../validation/valid-params.decorator';
import { eventIdParams, eventsRangeQuery, noQuery, type EventIdParams, type EventsRangeQuery } from './events.schema';

/** Events in a time range, and the execution path leading to one event. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Events in [from, to]',
    description:
      'Every event whose timestamp lies in the inclusive range, ordered by timestamp, then seq, then event_id, one page at a time.',
  })
  @ApiJsonOk(eventPageSchema, 'One page of events; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async list(@ValidQuery(eventsRangeQuery) query: EventsRangeQuery, @RequestSignal() signal: AbortSignal) {
    const { from, to, service, limit, cursor } = query;
    const page = await this.queries.run('getEventsInRange', signal, (storage, querySignal) =>
      storage.getEventsInRange(from, to, { service, limit, cursor, signal: querySignal }),
    );
    return serializeEventPage(page);
  }

  @Get(':event_id/path')
  @ApiOperation({
    summary: 'Execution path to an event',
    description:
      "The events of the target's trace (or, without a trace id, of its correlation id) at or before the target, in order, each marked on_stack when it belongs to the target's call or one of its ancestors.",
  })
  @ApiJsonOk(executionPathSchema, 'The target and the steps leading to it, target last.')
  @ApiErrorResponses(404)
  async path(
    @ValidParams(eventIdParams) params: EventIdParams,
    @ValidQuery(noQuery) _query: object,
    @RequestSignal() signal: AbortSignal,
  ) {
    const path = await this.queries.run('traceExecutionPath', signal, (storage, querySignal) =>
      storage.traceExecutionPath(params.event_id, { signal: querySignal }),
    );
    if (path === undefined) throw ApiError.notFound(`event_id: no event ${JSON.stringify(params.event_id)}`);
    return serializeExecutionPath(path);
  }
}
